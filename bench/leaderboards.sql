-- bench/leaderboards.sh: :people ranked accounts, written straight into the database (after
-- `migrate`), set-based. Each has focus this week (one ledger row, seconds spread so places are
-- mostly distinct), every other one last week too, all-time totals in user_stats with a current
-- streak of 0-39 days for most of them, and one of them (the middle of the weekly board) is
-- signed in on the session whose id hash is :'viewer_hash' (hex). Prints that account's username.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO users (email, email_verified_at, username, display_name)
SELECT 'bench' || i || '@example.test', now(), 'bench_' || i, 'Bench Person ' || i
FROM generate_series(1, :people) AS i;

CREATE TEMP TABLE bench_people ON COMMIT DROP AS
SELECT id, substr(username, 7)::int AS n FROM users WHERE username ~ '^bench_[0-9]+$';

-- This week: 1 minute to 10 hours; last week: every other person.
INSERT INTO focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed)
SELECT id, 'room', e - make_interval(secs => s), e, s, (e AT TIME ZONE 'UTC')::date, 'UTC', true
FROM (SELECT id, now() - interval '1 second' AS e, 60 + (n::bigint * 7919) % 36000 AS s FROM bench_people) AS this_week
UNION ALL
SELECT id, 'room', e - make_interval(secs => s), e, s, (e AT TIME ZONE 'UTC')::date, 'UTC', true
FROM (SELECT id, (date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') - interval '1 day' AS e,
             60 + (n::bigint * 104729) % 20000 AS s
      FROM bench_people WHERE n % 2 = 0) AS last_week;

INSERT INTO user_stats (user_id, total_seconds, sessions, last_day, last_credit_at, last_zone, streak_current, streak_best,
                        streak_alive_until, credited_until)
SELECT p.id, c.seconds + (p.n::bigint * 31) % 1000000, 10, current_date, now(), 'UTC', p.n % 40, p.n % 40,
       now() + interval '1 day', now()
FROM bench_people p JOIN (SELECT user_id, sum(seconds) AS seconds FROM focus_credits GROUP BY user_id) c ON c.user_id = p.id;

INSERT INTO sessions (id_hash, expires_at, user_id, signed_in_at)
SELECT decode(:'viewer_hash', 'hex'), now() + interval '30 days', id, now()
FROM bench_people WHERE n = :people / 2;
SELECT 'bench_' || (:people / 2);
COMMIT;
ANALYZE users;
ANALYZE focus_credits;
ANALYZE user_stats;
