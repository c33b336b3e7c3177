-- bench/run.sh row (m): one account's /me with every section full, written straight into the
-- database (after `migrate`): a vault at its cap (2,000 quotes, 100 of them favourites, tagged;
-- the random pick's worst case), 1,000 open private tasks (the limit; 300 of them due today or
-- before), a whiteboard at its limits (200 notes, 5,000 strokes of 20 points, drawn as the /me
-- thumbnail), 50 friends, 20 favorite rooms whose rooms are gone, and the account signed in on the
-- session whose id hash is :'viewer_hash' (hex). Prints the username.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO users (email, email_verified_at, username, display_name)
SELECT 'mebench' || i || '@example.test', now(), 'me_' || lpad(i::text, 3, '0'), 'Me Bench ' || i
FROM generate_series(0, 50) AS i;

CREATE TEMP TABLE bench_me ON COMMIT DROP AS
SELECT id, substr(username, 4)::int AS n FROM users WHERE username ~ '^me_[0-9]{3}$';

INSERT INTO vault_quotes (user_id, body, source, tags, favourite)
SELECT v.id, 'Quote number ' || i || ': *small* steps, **every** day. [More](https://example.org/' || i || ')',
       CASE WHEN i % 3 = 0 THEN 'Someone ' || i ELSE '' END,
       ARRAY['tag' || (i % 7), 'focus'], i % 20 = 0
FROM bench_me v, generate_series(1, 2000) AS i WHERE v.n = 0;

INSERT INTO private_task_lists (user_id, name, position)
SELECT v.id, 'Today', 0 FROM bench_me v WHERE v.n = 0;
INSERT INTO private_tasks (user_id, list_id, title, due_on, position)
SELECT l.user_id, l.id, 'Task ' || i, CASE WHEN i <= 300 THEN current_date - (i % 10) WHEN i <= 600 THEN current_date + 5 END, i
FROM private_task_lists l JOIN bench_me v ON v.id = l.user_id AND v.n = 0, generate_series(1, 1000) AS i;

INSERT INTO boards (user_id, name, note_count, stroke_count)
SELECT v.id, 'Full board', 200, 5000 FROM bench_me v WHERE v.n = 0;
INSERT INTO board_notes (board_id, text, colour, x, y)
SELECT b.id, 'Note ' || i, (ARRAY['yellow', 'pink', 'blue', 'green', 'orange', 'purple'])[1 + i % 6], (i * 37) % 1040, (i * 53) % 700
FROM boards b JOIN bench_me v ON v.id = b.user_id AND v.n = 0, generate_series(1, 200) AS i;
INSERT INTO board_strokes (board_id, seq, tool, colour, width, points)
SELECT b.id, i, 'pen', 'ink', 'thin',
       ARRAY(SELECT ((i * 7 + k * 13) % 1200)::smallint FROM generate_series(1, 40) AS k)
FROM boards b JOIN bench_me v ON v.id = b.user_id AND v.n = 0, generate_series(1, 5000) AS i;

INSERT INTO friendships (user_id, friend_id)
SELECT v.id, p.id FROM bench_me v, bench_me p WHERE v.n = 0 AND p.n > 0
UNION ALL
SELECT p.id, v.id FROM bench_me v, bench_me p WHERE v.n = 0 AND p.n > 0;

INSERT INTO favorite_rooms (user_id, room_id, room_code, theme)
SELECT v.id, NULL, 'ME' || chr(65 + i) || '-' || lpad(i::text, 3, '0'), 'forest_calm'
FROM bench_me v, generate_series(1, 20) AS i WHERE v.n = 0;

INSERT INTO sessions (id_hash, expires_at, user_id, signed_in_at)
SELECT decode(:'viewer_hash', 'hex'), now() + interval '30 days', id, now() FROM bench_me WHERE n = 0;
SELECT 'me_000';
COMMIT;
ANALYZE users;
ANALYZE vault_quotes;
ANALYZE private_tasks;
ANALYZE board_strokes;
ANALYZE friendships;
