-- Issue 12's live-channel bench (bench/social_live.sh): one account with :friends friends, and :pairs
-- pairs of friends for direct messages, each signed in with a session whose cookie the bench can
-- compute: base64url(sha256('pomopomo-bench:' || username)), 43 characters, stored as its SHA-256.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO users (email, email_verified_at, username, display_name)
SELECT u || '@example.test', now(), u, 'Bench ' || u
FROM (SELECT 'bench_star' AS u
      UNION ALL SELECT 'bench_f' || i FROM generate_series(1, :friends) AS i
      UNION ALL SELECT 'bench_s' || i FROM generate_series(1, :pairs) AS i
      UNION ALL SELECT 'bench_r' || i FROM generate_series(1, :pairs) AS i) names;

INSERT INTO sessions (id_hash, expires_at, user_id, signed_in_at)
SELECT sha256(convert_to(translate(rtrim(encode(sha256(convert_to('pomopomo-bench:' || username, 'UTF8')), 'base64'), '='), '+/', '-_'), 'UTF8')),
       now() + interval '1 day', id, now()
FROM users WHERE username ~ '^bench_';

INSERT INTO friendships (user_id, friend_id)
SELECT a.id, b.id FROM users a JOIN users b ON b.username ~ '^bench_f[0-9]+$' WHERE a.username = 'bench_star'
UNION ALL
SELECT b.id, a.id FROM users a JOIN users b ON b.username ~ '^bench_f[0-9]+$' WHERE a.username = 'bench_star'
UNION ALL
SELECT s.id, r.id FROM users s JOIN users r ON r.username = 'bench_r' || substr(s.username, 8) WHERE s.username ~ '^bench_s[0-9]+$'
UNION ALL
SELECT r.id, s.id FROM users s JOIN users r ON r.username = 'bench_r' || substr(s.username, 8) WHERE s.username ~ '^bench_s[0-9]+$';
COMMIT;
ANALYZE users;
ANALYZE friendships;
ANALYZE sessions;
