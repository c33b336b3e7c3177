-- One person with three years of daily focus for bench/run.sh, written straight into the database
-- (after `pomopomo migrate`): four 25-minute stretches a day at different hours (one of them
-- across local midnight some days, as the ledger writes it: two rows), in Europe/Berlin, some
-- weeks in Asia/Tokyo, with a day off now and then. The tally (user_stats) is then rebuilt by
-- `pomopomo stats rebuild --user ID`, as run.sh does. Prints the user's id.
--
--   psql "$POMOPOMO_DATABASE_URL" -v username=bench_stats -f bench/stats_user.sql
\set ON_ERROR_STOP 1
BEGIN;

INSERT INTO users (email, email_verified_at, username, display_name, timezone, stats_visibility)
VALUES (:'username' || '@bench.invalid', now(), :'username', 'Bench <Stats> & Co', 'Europe/Berlin', 'everyone');

WITH days AS (
    SELECT d::date AS day,
           CASE WHEN extract(week FROM d)::int % 9 = 0 THEN 'Asia/Tokyo' ELSE 'Europe/Berlin' END AS zone
    FROM generate_series(current_date - 3 * 365, current_date - 1, interval '1 day') AS d
    WHERE extract(doy FROM d)::int % 11 <> 0),
stretches AS (
    SELECT day, zone, (day + h * interval '1 hour' + m * interval '1 minute') AT TIME ZONE zone AS started_at, n
    FROM days, (VALUES (1, 7, 10), (2, 9, 40), (3, 14, 5), (4, 23, 50)) AS s(n, h, m))
INSERT INTO focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed, people_present)
SELECT (SELECT id FROM users WHERE username = :'username'), 'room', p.started_at, p.ended_at,
       extract(epoch FROM p.ended_at - p.started_at)::int, p.local_day, s.zone, p.last, 1 + s.n % 3
FROM stretches s,
     LATERAL (
         -- The stretch that runs past midnight is cut there, each piece on its own day.
         SELECT s.started_at, least(s.started_at + interval '25 minutes', (s.day + 1)::timestamp AT TIME ZONE s.zone) AS ended_at,
                s.day AS local_day, s.n <> 4 AS last
         UNION ALL
         SELECT (s.day + 1)::timestamp AT TIME ZONE s.zone, s.started_at + interval '25 minutes', s.day + 1, true
         WHERE s.n = 4) AS p
WHERE p.ended_at > p.started_at;

COMMIT;
SELECT id FROM users WHERE username = :'username';
