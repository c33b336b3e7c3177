-- bench/run.sh row (m): one account's /me with every section full, written straight into the
-- database (after `migrate`): a vault at its cap (2,000 quotes, 100 of them favourites, tagged;
-- the random pick's worst case), 50 friends, 20 favorite rooms whose rooms are gone, and the
-- account signed in on the session whose id hash is :'viewer_hash' (hex). Prints the username.
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
ANALYZE friendships;
