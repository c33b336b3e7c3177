-- bench/journal_insights.sh: one account (journal_bench, in Europe/Berlin) with :days days of daily
-- journal use up to yesterday, written as EVENTS into journal_events (payloads as Domain
-- JournalEvent writes them), set-based and the same on every run (choices come from a hash of the
-- day and the session's number); journal_insights.sh then makes the projections from them with
-- `pomopomo journal rebuild --user ID`. Each day has 7, 8 or 9 sessions (8 on average), from 08:00
-- about 85 minutes apart, intents by turns; a third are paused once (after 5-9 minutes, for 2-6,
-- the category by turns) and resumed; one in nine is ended early after 12-21 focused minutes; the
-- rest are completed after 25, and their break's activity is chosen (for nine in ten) and the
-- break ends 5 minutes later. The account is signed in on the session whose id hash is
-- :'viewer_hash' (hex). :others other accounts have journals too (below). Prints the account's id.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO users (email, email_verified_at, username, display_name, timezone)
VALUES ('journalbench@example.test', now(), 'journal_bench', 'Journal Bench', 'Europe/Berlin');
INSERT INTO sessions (id_hash, expires_at, user_id, signed_in_at)
SELECT decode(:'viewer_hash', 'hex'), now() + interval '30 days', id, now() FROM users WHERE username = 'journal_bench';

CREATE TEMP TABLE bench_sessions ON COMMIT DROP AS
SELECT s.*,
       md5('s:' || s.d || ':' || s.k)::uuid::text AS sid,
       md5('i:' || s.d || ':' || s.k)::uuid::text AS iid,
       md5('b:' || s.d || ':' || s.k)::uuid::text AS bid,
       (ARRAY['coding', 'writing', 'studying', 'planning', 'reading', 'other'])[1 + (s.d + s.k) % 6] AS intent,
       s.h % 3 = 0 AS paused,
       5 + s.h % 5 AS pause_at,
       2 + (s.h / 5) % 5 AS pause_minutes,
       (ARRAY['door', 'work_call', 'family', 'notification', 'lost_focus', 'other'])[1 + (s.h / 7) % 6] AS category,
       (s.h / 13) % 9 = 0 AS ended_early,
       12 + (s.h / 17) % 10 AS ended_after,
       CASE WHEN (s.h / 19) % 10 <> 0
            THEN (ARRAY['tea_coffee', 'phone', 'walk', 'food', 'rest', 'other'])[1 + (s.h / 23) % 6] END AS activity
FROM (
    SELECT d, k, current_date - d AS day, abs(hashtext(d || ':' || k)) AS h,
           ((current_date - d) + time '08:00' + make_interval(mins => k * 85 + abs(hashtext(d || ':' || k)) % 10))
               AT TIME ZONE 'Europe/Berlin' AS started
    FROM generate_series(1, :days) AS d, generate_series(0, 8) AS k
    WHERE k < 7 + d % 3) s;

INSERT INTO journal_events (user_id, kind, at, payload)
SELECT u.id, e.kind, e.at, e.payload
FROM users u, (
    SELECT sid, 0 AS ord, 'session_started' AS kind, started AS at,
           jsonb_build_object('session', sid, 'intent', intent, 'day', day::text, 'place', 'timer') AS payload
    FROM bench_sessions
    UNION ALL
    SELECT sid, 1, 'session_paused', started + make_interval(mins => pause_at),
           jsonb_build_object('session', sid, 'interruption', iid, 'category', category)
    FROM bench_sessions WHERE paused
    UNION ALL
    SELECT sid, 2, 'session_resumed', started + make_interval(mins => pause_at + pause_minutes),
           jsonb_build_object('session', sid)
    FROM bench_sessions WHERE paused
    UNION ALL
    SELECT sid, 3, 'session_ended',
           started + make_interval(mins => ended_after + CASE WHEN paused THEN pause_minutes ELSE 0 END),
           jsonb_build_object('session', sid)
    FROM bench_sessions WHERE ended_early
    UNION ALL
    SELECT sid, 3, 'session_completed', started + make_interval(mins => 25 + CASE WHEN paused THEN pause_minutes ELSE 0 END),
           jsonb_build_object('session', sid, 'break', bid)
    FROM bench_sessions WHERE NOT ended_early
    UNION ALL
    SELECT sid, 4, 'break_activity_chosen',
           started + make_interval(mins => 25 + CASE WHEN paused THEN pause_minutes ELSE 0 END),
           jsonb_build_object('break', bid, 'activity', activity)
    FROM bench_sessions WHERE NOT ended_early AND activity IS NOT NULL
    UNION ALL
    SELECT sid, 5, 'break_ended', started + make_interval(mins => 30 + CASE WHEN paused THEN pause_minutes ELSE 0 END),
           jsonb_build_object('break', bid)
    FROM bench_sessions WHERE NOT ended_early) e
WHERE u.username = 'journal_bench'
ORDER BY e.at, e.sid, e.ord;

-- Other people's journals around it (:others accounts, 60 days of 8 sessions each), so the plans
-- are chosen among rows that are not all the measured owner's. Written straight into the
-- projections (they are only there to be skipped), a fifth of the sessions paused once, all
-- completed with a tea break.
INSERT INTO users (email, email_verified_at, username, display_name, timezone)
SELECT 'journalother' || o || '@example.test', now(), 'journal_other_' || o, 'Other ' || o, 'UTC'
FROM generate_series(1, :others) AS o;
CREATE TEMP TABLE bench_others ON COMMIT DROP AS
SELECT u.id AS uid, current_date - d AS day, md5(u.id::text || ':' || (current_date - d)::text)::uuid AS day_id,
       md5('os:' || u.id || ':' || d || ':' || k)::uuid AS sid,
       ((current_date - d) + time '07:00' + make_interval(mins => k * 80)) AT TIME ZONE 'UTC' AS started, k
FROM users u, generate_series(1, 60) AS d, generate_series(0, 7) AS k
WHERE u.username LIKE 'journal\_other\_%';
INSERT INTO journal_days (id, user_id, day, total_pomodoros, completed_pomodoros, created_at)
SELECT DISTINCT day_id, uid, day, 8, 8, day FROM bench_others;
INSERT INTO journal_sessions (id, user_id, day_id, started_at, ended_at, duration_minutes, status, intent_category,
                              interruption_count, place, focused_seconds)
SELECT sid, uid, day_id, started, started + interval '27 minutes', 25, 'completed', 'coding',
       CASE WHEN k % 5 = 0 THEN 1 ELSE 0 END, 'timer', 1500
FROM bench_others;
INSERT INTO journal_interruptions (id, user_id, session_id, occurred_at, resumed_at, category)
SELECT md5('oi:' || sid)::uuid, uid, sid, started + interval '10 minutes', started + interval '12 minutes', 'door'
FROM bench_others WHERE k % 5 = 0;
INSERT INTO journal_breaks (id, user_id, session_id, started_at, ended_at, duration_minutes, activity_category)
SELECT md5('ob:' || sid)::uuid, uid, sid, started + interval '27 minutes', started + interval '32 minutes', 5, 'tea_coffee'
FROM bench_others;

SELECT id FROM users WHERE username = 'journal_bench';
COMMIT;
