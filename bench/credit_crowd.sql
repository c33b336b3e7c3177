-- One running room whose focus segment ends in two seconds, with :people participants all present
-- (seen just now) for the whole segment; half of them signed in (accounts crowd-NNNNN, a fresh set
-- for each :round, since one account is never credited twice for the same moment), half guests.
-- Used by bench/credit_crowd.sh; :code names the room.
INSERT INTO users (email, email_verified_at, username, display_name, timezone)
SELECT 'crowd-' || lpad(i::text, 6, '0') || '@bench.invalid', now(), 'crowd' || lpad(i::text, 6, '0'),
       'Crowd ' || i, (ARRAY['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Europe/Berlin'])[1 + i % 4]
FROM generate_series(:round * :people / 2 + 1, (:round + 1) * :people / 2) AS i
ON CONFLICT DO NOTHING;

WITH room AS (
    INSERT INTO rooms (code, status, expires_at, current_segment_index, segment_ends_at, focus_since)
    VALUES (:'code', 'running', now() + interval '1 hour', 0, now() + interval '2 seconds', now() - interval '1498 seconds')
    RETURNING id),
seg AS (
    INSERT INTO segments (room_id, position, kind, duration_sec)
    SELECT id, p, CASE WHEN p = 0 THEN 'focus' ELSE 'break' END, CASE WHEN p = 0 THEN 1500 ELSE 300 END
    FROM room, generate_series(0, 1) AS p)
INSERT INTO participants (room_id, session_hash, display_name, role, user_id, joined_at, last_seen_at)
SELECT room.id, sha256(convert_to(:'code' || '-' || i, 'UTF8')), 'Person ' || i,
       CASE WHEN i = 1 THEN 'host' ELSE 'guest' END,
       CASE WHEN i % 2 = 0 THEN (SELECT id FROM users WHERE username = 'crowd' || lpad((:round * :people / 2 + i / 2)::text, 6, '0')) END,
       now() - interval '1500 seconds', now()
FROM room, generate_series(1, :people) AS i;
