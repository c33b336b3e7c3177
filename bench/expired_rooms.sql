-- Expired rooms for the clean-rooms benchmark (bench/clean_rooms.sh), set-based and fast:
--
--   psql "$POMOPOMO_DATABASE_URL" -v rooms=10000 -f bench/expired_rooms.sql
--
-- Room i (0 <= i < rooms) has code 'ZZ' + i in base 30 (so it cannot clash with the busy room),
-- was created between 10 and 4 days ago (UTC midnight - 10 days + i * 6 days / rooms, plus a few
-- minutes), expired 72 h later (so all are at least a day past expiry) and holds:
--   8 segments (the classic preset), 2..5 participants whose sessions come from a pool of
--   max(rooms / 4, 50) sessions (so a session is in about 14 rooms: often several on one day, and
--   on different days),
--   joined at times that sometimes cross midnight; 10 messages; 2 tasks; 1 proposal; and
--   i % 5 focus completions (1500..1620 s each), some completed on the day after creation.
-- Statuses: idle, ended and paused (never running: the responder's sweeper would advance a running
-- room while the benchmark runs and change the focus seconds under it).
--
-- It also leaves what an earlier clean-rooms run would have left for the earliest day: a
-- daily_statistics row and some daily_session_seen rows (three of the sessions that join rooms
-- on that day), so the expected total_sessions must not count those again.
--
-- Then it writes the expected daily_statistics after cleaning every expired room into the table
-- bench_expected_daily (dropped by bench/clean_rooms.sh), computed from the rows themselves:
--   rooms_created       rooms by created_at's UTC day
--   total_participants  participant rows by joined_at's UTC day
--   total_sessions      distinct session_hash by joined_at's UTC day, minus those already seen that day
--   total_focus_seconds focus_completions.seconds by completed_at's UTC day
-- plus whatever daily_statistics already held.
\set ON_ERROR_STOP 1
BEGIN;

CREATE TEMP TABLE bench_rooms ON COMMIT DROP AS
SELECT i,
       'ZZ' || string_agg(substr('23456789ABCDEFGHJKMNPQRSTVWXYZ', (i / (30 ^ d)::int) % 30 + 1, 1), '' ORDER BY d DESC) AS code,
       date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '10 days'
         + i * (interval '6 days' / :rooms) + (i % 17) * interval '1 minute' AS created_at
FROM generate_series(0, :rooms - 1) AS i, generate_series(0, 3) AS d
GROUP BY i;

INSERT INTO rooms (code, theme, status, current_segment_index, paused_remaining_ms, version, created_at, expires_at)
SELECT code,
       (ARRAY['midnight_bloom', 'forest_calm', 'ocean_deep', 'sunrise'])[i % 4 + 1],
       (ARRAY['idle', 'ended', 'paused', 'ended'])[i % 4 + 1],
       CASE i % 4 WHEN 0 THEN 0 WHEN 2 THEN i % 8 ELSE 7 END,
       CASE WHEN i % 4 = 2 THEN 600000 END,
       50 + i % 100,
       created_at,
       created_at + interval '72 hours'
FROM bench_rooms;

CREATE TEMP TABLE bench_room_ids ON COMMIT DROP AS
SELECT b.i, r.id, r.created_at FROM bench_rooms b JOIN rooms r USING (code);

INSERT INTO segments (room_id, position, kind, duration_sec)
SELECT r.id, p, (ARRAY['focus', 'break', 'focus', 'break', 'focus', 'break', 'focus', 'long_break'])[p + 1],
       (ARRAY[1500, 300, 1500, 300, 1500, 300, 1500, 900])[p + 1]
FROM bench_room_ids r, generate_series(0, 7) AS p;

-- 2..5 participants; participant j of room i has session (i * 7 + j * (pool / 5)) % pool.
INSERT INTO participants (room_id, session_hash, display_name, role, joined_at, last_seen_at)
SELECT r.id,
       sha256(convert_to('bench-expired-session-' || ((r.i * 7 + j * (greatest(:rooms / 4, 50) / 5)) % greatest(:rooms / 4, 50)), 'UTF8')),
       'Guest ' || j,
       CASE WHEN j = 0 THEN 'host' ELSE 'guest' END,
       r.created_at + j * interval '17 minutes' + (r.i % 13) * interval '97 minutes',
       r.created_at + j * interval '17 minutes' + (r.i % 13) * interval '97 minutes' + interval '2 hours'
FROM bench_room_ids r, generate_series(0, 4) AS j
WHERE j < 2 + r.i % 4;

INSERT INTO messages (room_id, participant_id, author_name, text, created_at)
SELECT p.room_id, p.id, p.display_name, 'message ' || m || ' with a link https://example.com/' || m,
       p.joined_at + m * interval '3 minutes'
FROM participants p
JOIN bench_room_ids r ON r.id = p.room_id
CROSS JOIN generate_series(0, 9) AS m
WHERE p.role = 'host';

INSERT INTO tasks (room_id, participant_id, text, visibility, done, created_at)
SELECT p.room_id, p.id, 'task of ' || p.display_name, CASE WHEN p.role = 'host' THEN 'private' ELSE 'public' END,
       p.role = 'host', p.joined_at
FROM participants p JOIN bench_room_ids r ON r.id = p.room_id
WHERE p.display_name IN ('Guest 0', 'Guest 1');

INSERT INTO proposals (room_id, participant_id, author_name, kind, payload, created_at)
SELECT p.room_id, p.id, p.display_name, 'add_segment',
       '{"segment_id": null, "kind": "focus", "duration_sec": 1500, "label": null, "public_task": null, "text": null, "summary": "add Focus · 25 min"}',
       p.joined_at
FROM participants p JOIN bench_room_ids r ON r.id = p.room_id
WHERE p.display_name = 'Guest 1';

-- i % 5 completions, of the focus segments at positions 0, 2, 4, 6 in order.
INSERT INTO focus_completions (room_id, segment_id, seconds, completed_at)
SELECT s.room_id, s.id, 1500 + (r.i % 3) * 60,
       r.created_at + (r.i % 11) * interval '2 hours' + (s.position + 1) * interval '30 minutes'
FROM bench_room_ids r JOIN segments s ON s.room_id = r.id
WHERE s.kind = 'focus' AND s.position / 2 < r.i % 5;

-- What an earlier run left for the earliest day (only if nothing is there yet, so this file can be
-- applied to a database that already holds statistics).
INSERT INTO daily_statistics (day, rooms_created, total_participants, total_sessions, total_focus_seconds)
SELECT min((created_at AT TIME ZONE 'UTC')::date), 7, 19, 11, 36000 FROM bench_room_ids
ON CONFLICT (day) DO NOTHING;
INSERT INTO daily_session_seen (day, session_hash)
SELECT DISTINCT ON (p.session_hash) (p.joined_at AT TIME ZONE 'UTC')::date, p.session_hash
FROM participants p JOIN bench_room_ids r ON r.id = p.room_id
WHERE (p.joined_at AT TIME ZONE 'UTC')::date = (SELECT min((created_at AT TIME ZONE 'UTC')::date) FROM bench_room_ids)
ORDER BY p.session_hash
LIMIT 3
ON CONFLICT DO NOTHING;

COMMIT;

-- The expected statistics once every expired room (these and any other) is cleaned.
DROP TABLE IF EXISTS bench_expected_daily;
CREATE TABLE bench_expected_daily AS
WITH expired AS (SELECT id, created_at FROM rooms WHERE expires_at <= now()),
     rc AS (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM expired GROUP BY 1),
     pc AS (SELECT (p.joined_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
            FROM participants p JOIN expired e ON e.id = p.room_id GROUP BY 1),
     sc AS (SELECT s.day, count(*) AS n
            FROM (SELECT DISTINCT (p.joined_at AT TIME ZONE 'UTC')::date AS day, p.session_hash
                  FROM participants p JOIN expired e ON e.id = p.room_id) s
            WHERE NOT EXISTS (SELECT 1 FROM daily_session_seen d WHERE d.day = s.day AND d.session_hash = s.session_hash)
            GROUP BY 1),
     fc AS (SELECT (f.completed_at AT TIME ZONE 'UTC')::date AS day, sum(f.seconds) AS n
            FROM focus_completions f JOIN expired e ON e.id = f.room_id GROUP BY 1),
     days AS (SELECT day FROM rc UNION SELECT day FROM pc UNION SELECT day FROM fc UNION SELECT day FROM daily_statistics)
SELECT d.day,
       (coalesce(ds.rooms_created, 0) + coalesce(rc.n, 0))::integer AS rooms_created,
       (coalesce(ds.total_participants, 0) + coalesce(pc.n, 0))::integer AS total_participants,
       (coalesce(ds.total_sessions, 0) + coalesce(sc.n, 0))::integer AS total_sessions,
       (coalesce(ds.total_focus_seconds, 0) + coalesce(fc.n, 0))::bigint AS total_focus_seconds
FROM days d
LEFT JOIN daily_statistics ds ON ds.day = d.day
LEFT JOIN rc ON rc.day = d.day
LEFT JOIN pc ON pc.day = d.day
LEFT JOIN sc ON sc.day = d.day
LEFT JOIN fc ON fc.day = d.day;

ANALYZE rooms, segments, participants, messages, tasks, proposals, focus_completions, daily_statistics, daily_session_seen;

SELECT format('seeded: %s expired rooms (%s in all), %s participants, %s distinct sessions, %s messages, %s focus completions; expected statistics for %s days',
              (SELECT count(*) FROM rooms WHERE expires_at <= now()),
              (SELECT count(*) FROM rooms),
              (SELECT count(*) FROM participants p JOIN rooms r ON r.id = p.room_id WHERE r.expires_at <= now()),
              (SELECT count(DISTINCT session_hash) FROM participants p JOIN rooms r ON r.id = p.room_id WHERE r.expires_at <= now()),
              (SELECT count(*) FROM messages m JOIN rooms r ON r.id = m.room_id WHERE r.expires_at <= now()),
              (SELECT count(*) FROM focus_completions f JOIN rooms r ON r.id = f.room_id WHERE r.expires_at <= now()),
              (SELECT count(*) FROM bench_expected_daily));
