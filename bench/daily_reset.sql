-- bench/daily_reset.sh: :people accounts in Europe/Berlin, each with a personal timer whose count
-- (1–12) belongs to the day before :day, and its daily-reset task at Berlin midnight, parked far in
-- the future until the script sets the instant they all come due. Run after `migrate`.
\set ON_ERROR_STOP 1
INSERT INTO users (email, email_verified_at, username, display_name, timezone)
SELECT 'reset' || i || '@bench.test', now(), 'reset_' || i, 'Reset ' || i, 'Europe/Berlin'
FROM generate_series(1, :people) i;

INSERT INTO personal_timers (user_id, count_day, today_count)
SELECT id, :'day'::date - 1, 1 + (hashtext(id::text) & 2147483647) % 12 FROM users WHERE email LIKE 'reset%@bench.test';

INSERT INTO scheduled_tasks (timer_id, task_type, cron_expression, timezone, next_execution_at)
SELECT id, 'daily_reset', '0 0 * * *', 'Europe/Berlin', 'infinity' FROM personal_timers;

ANALYZE users;
ANALYZE personal_timers;
ANALYZE scheduled_tasks;
