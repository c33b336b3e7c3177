-- Live rooms for the growth benchmark (bench/growth.sh), set-based like bench/expired_rooms.sql:
--
--   psql "$POMOPOMO_DATABASE_URL" -v from=0 -v rooms=100 -f bench/live_rooms.sql
--
-- Adds rooms from .. from + rooms - 1; room i has code 'XV' + i in base 30 (so it cannot clash with
-- the expired rooms' 'ZZ…' or the busy room), was created in the last two days and expires 72 h after
-- that, and holds what a lived-in room holds: 8 segments (the classic preset), 3 participants (the
-- first the host; seen in the last 20 minutes, so the presence sweeper sees them come and go), 5
-- messages, 2 tasks and 1 proposal. A third are running (in a focus that ends 30..50 minutes from
-- now, so the timer sweeper has nothing to advance while the benchmark runs), a third paused, the
-- rest idle. Prints how many live rooms there are now.
\set ON_ERROR_STOP 1
BEGIN;

CREATE TEMP TABLE bench_live ON COMMIT DROP AS
SELECT i,
       'XV' || string_agg(substr('23456789ABCDEFGHJKMNPQRSTVWXYZ', (i / (30 ^ d)::int) % 30 + 1, 1), '' ORDER BY d DESC) AS code,
       now() - (i % 2880) * interval '1 minute' AS created_at
FROM generate_series(:from, :from + :rooms - 1) AS i, generate_series(0, 3) AS d
GROUP BY i;

INSERT INTO rooms (code, theme, status, current_segment_index, segment_ends_at, paused_remaining_ms, version, created_at, expires_at)
SELECT code,
       (ARRAY['midnight_bloom', 'forest_calm', 'ocean_deep', 'sunrise'])[i % 4 + 1],
       (ARRAY['running', 'paused', 'idle'])[i % 3 + 1],
       CASE i % 3 WHEN 0 THEN 2 WHEN 1 THEN 4 ELSE 0 END,
       CASE WHEN i % 3 = 0 THEN now() + interval '30 minutes' + (i % 20) * interval '1 minute' END,
       CASE WHEN i % 3 = 1 THEN 600000 END,
       20 + i % 50,
       created_at,
       created_at + interval '72 hours'
FROM bench_live;

CREATE TEMP TABLE bench_live_ids ON COMMIT DROP AS
SELECT b.i, r.id, r.created_at FROM bench_live b JOIN rooms r USING (code);

INSERT INTO segments (room_id, position, kind, duration_sec)
SELECT r.id, p, (ARRAY['focus', 'break', 'focus', 'break', 'focus', 'break', 'focus', 'long_break'])[p + 1],
       (ARRAY[1500, 300, 1500, 300, 1500, 300, 1500, 900])[p + 1]
FROM bench_live_ids r, generate_series(0, 7) AS p;

INSERT INTO participants (room_id, session_hash, display_name, role, joined_at, last_seen_at)
SELECT r.id, sha256(convert_to('bench-live-' || r.i || '-' || j, 'UTF8')), 'Guest ' || j,
       CASE WHEN j = 0 THEN 'host' ELSE 'guest' END,
       r.created_at + j * interval '7 minutes',
       now() - ((r.i + j) % 20) * interval '1 minute'
FROM bench_live_ids r, generate_series(0, 2) AS j;

INSERT INTO messages (room_id, participant_id, author_name, text, created_at)
SELECT p.room_id, p.id, p.display_name, 'message ' || m, p.joined_at + m * interval '3 minutes'
FROM participants p JOIN bench_live_ids r ON r.id = p.room_id CROSS JOIN generate_series(0, 4) AS m
WHERE p.role = 'host';

INSERT INTO tasks (room_id, participant_id, text, visibility, done, created_at)
SELECT p.room_id, p.id, 'task of ' || p.display_name, CASE WHEN p.role = 'host' THEN 'private' ELSE 'public' END, false, p.joined_at
FROM participants p JOIN bench_live_ids r ON r.id = p.room_id
WHERE p.display_name IN ('Guest 0', 'Guest 1');

INSERT INTO proposals (room_id, participant_id, author_name, kind, payload, created_at)
SELECT p.room_id, p.id, p.display_name, 'add_segment',
       '{"segment_id": null, "kind": "focus", "duration_sec": 1500, "label": null, "public_task": null, "text": null, "summary": "add Focus · 25 min"}',
       p.joined_at
FROM participants p JOIN bench_live_ids r ON r.id = p.room_id
WHERE p.display_name = 'Guest 1';

COMMIT;

VACUUM ANALYZE rooms, segments, participants, messages, tasks, proposals;

SELECT count(*) FROM rooms WHERE expires_at > now();
