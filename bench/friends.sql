-- bench/friends.sh: one account with :friends friends, written straight into the database (after
-- `migrate`), set-based: the friends (proven accounts fr_00001…, two friendship rows each), 30
-- requests waiting for the viewer and 30 sent by them, and the viewer signed in on the session
-- whose id hash is :'viewer_hash' (hex). Prints the viewer's username.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO users (email, email_verified_at, username, display_name)
SELECT 'friendbench' || i || '@example.test', now(), 'fr_' || lpad(i::text, 5, '0'), 'Friend ' || i
FROM generate_series(0, :friends + 60) AS i;

CREATE TEMP TABLE bench_people ON COMMIT DROP AS
SELECT id, substr(username, 4)::int AS n FROM users WHERE username ~ '^fr_[0-9]{5}$';

-- fr_00000 is the viewer; 1…:friends are friends; the next 30 asked them, the last 30 were asked.
INSERT INTO friendships (user_id, friend_id)
SELECT v.id, p.id FROM bench_people v, bench_people p WHERE v.n = 0 AND p.n BETWEEN 1 AND :friends
UNION ALL
SELECT p.id, v.id FROM bench_people v, bench_people p WHERE v.n = 0 AND p.n BETWEEN 1 AND :friends;
INSERT INTO friend_requests (from_id, to_id)
SELECT p.id, v.id FROM bench_people v, bench_people p WHERE v.n = 0 AND p.n BETWEEN :friends + 1 AND :friends + 30;
INSERT INTO friend_requests (from_id, to_id, created_at)
SELECT v.id, p.id, now() - interval '2 days' FROM bench_people v, bench_people p
WHERE v.n = 0 AND p.n BETWEEN :friends + 31 AND :friends + 60;

INSERT INTO sessions (id_hash, expires_at, user_id, signed_in_at)
SELECT decode(:'viewer_hash', 'hex'), now() + interval '30 days', id, now() FROM bench_people WHERE n = 0;
SELECT 'fr_00000';
COMMIT;
ANALYZE users;
ANALYZE friendships;
ANALYZE friend_requests;
