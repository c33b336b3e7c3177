-- One busy room for bench/run.sh, written straight into the database (after `pomopomo migrate`):
-- 20 participants (the first is the host, whose cookie the caller holds), 12 segments with the
-- timer running in the 5th (a focus with about 20 minutes left), 200 visible chat messages (links,
-- markup and quotes that must be escaped, long ones), private and public tasks, pending and decided
-- proposals, and the focus completions of the two focus segments already done.
--
--   psql "$POMOPOMO_DATABASE_URL" -v code=BENCH2 -v host_hash=<sha256 hex of the host's pp_sid> \
--        -f bench/busy_room.sql
--
-- code: six characters of the room-code alphabet, stored without the hyphen. Guests' session hashes
-- are sha256('busy-guest-<n>') (nobody holds those cookies). Prints the room's version at the end.
\set ON_ERROR_STOP 1
BEGIN;

INSERT INTO rooms (code, theme, status, current_segment_index, version, created_at, expires_at,
                   segment_ends_at, state_v, people_v, queue_v, tasks_v, proposals_v, chat_v)
VALUES (:'code', 'forest_calm', 'running', 4, 400, now() - interval '2 hours', now() + interval '70 hours',
        now() + interval '20 minutes', 400, 380, 300, 390, 395, 399);

-- Names that need escaping, non-ASCII ones and plain ones; g = 19 is muted.
INSERT INTO participants (room_id, session_hash, display_name, role, is_muted, joined_at, last_seen_at)
SELECT r.id,
       CASE WHEN g = 0 THEN decode(:'host_hash', 'hex') ELSE sha256(convert_to('busy-guest-' || g, 'UTF8')) END,
       (ARRAY['Bench Host', 'Zoë', '<script>x</script>', 'O''Brien & Co', '"Quoted" Name', 'Ana & Bo',
              '日本語の名前', '🍅 Tomato', 'Élodie', 'Sam', 'Kim <3', 'Max', 'Ravi', 'Ngozi', 'Li Wei',
              'Jo', 'Mateus', 'Fatima', 'Björn', 'Muted Mike'])[g + 1],
       CASE WHEN g = 0 THEN 'host' ELSE 'guest' END,
       g = 19,
       now() - interval '2 hours' + g * interval '3 minutes',
       -- most are online (seen in the last minute), a few away
       CASE WHEN g % 7 = 6 THEN now() - interval '10 minutes' ELSE now() - (g % 4) * interval '10 seconds' END
FROM rooms r, generate_series(0, 19) AS g
WHERE r.code = :'code';

-- 12 segments: focus/break pairs, a long break, a custom one; some with a public task.
INSERT INTO segments (room_id, position, kind, label, duration_sec, public_task)
SELECT r.id, s.position, s.kind, s.label, s.duration_sec, s.public_task
FROM rooms r,
     (VALUES (0, 'focus', NULL, 1500, 'Outline the <intro> & "goals"'),
             (1, 'break', NULL, 300, NULL),
             (2, 'focus', NULL, 1500, NULL),
             (3, 'break', NULL, 300, NULL),
             (4, 'focus', NULL, 1500, 'Write section 2 — tables & figures'),
             (5, 'long_break', NULL, 900, NULL),
             (6, 'custom', 'Stand-up <5 min> & coffee', 600, NULL),
             (7, 'focus', NULL, 3000, 'Review PRs'),
             (8, 'break', NULL, 300, NULL),
             (9, 'focus', NULL, 1500, NULL),
             (10, 'break', NULL, 300, NULL),
             (11, 'focus', NULL, 1500, 'Wrap up: send the report to O''Brien')) AS s (position, kind, label, duration_sec, public_task)
WHERE r.code = :'code';

INSERT INTO focus_completions (room_id, segment_id, seconds, completed_at)
SELECT s.room_id, s.id, s.duration_sec, now() - interval '2 hours' + (s.position + 1) * interval '25 minutes'
FROM segments s JOIN rooms r ON r.id = s.room_id
WHERE r.code = :'code' AND s.position IN (0, 2);

-- 200 visible messages, oldest first (ids in that order), from every participant in turn.
INSERT INTO messages (room_id, participant_id, author_name, text, created_at)
SELECT r.id, p.id, p.display_name,
       CASE n % 8
         WHEN 0 THEN 'Look at https://example.com/docs?a=1&b=2#part-' || n || ' — useful'
         WHEN 1 THEN '<script>alert("x' || n || '")</script> & friends'
         WHEN 2 THEN 'Done with my 🍅 #' || n || '! "quotes" and ''apostrophes'' <3'
         WHEN 3 THEN 'Break time. http://pomopomo.test/r/ABC-DEF?x=<y>&z=' || n
         WHEN 4 THEN repeat('a long message, ', 24) || n
         WHEN 5 THEN 'ok ' || n
         WHEN 6 THEN 'javascript:alert(1) is no link, nor ftp://example.com/' || n || ' or <a href="https://evil.example">this</a>'
         ELSE 'Two links: https://a.example/' || n || ' and https://b.example/path_(x)?q="y"'
       END,
       now() - interval '100 minutes' + n * interval '30 seconds'
FROM rooms r
CROSS JOIN generate_series(1, 200) AS n
JOIN LATERAL (SELECT id, display_name FROM participants
              WHERE room_id = r.id ORDER BY joined_at OFFSET (n * 7) % 20 LIMIT 1) p ON true
WHERE r.code = :'code'
ORDER BY n;

-- Tasks: the host's own (private and public), one public task for each of six guests, private ones
-- for three more.
INSERT INTO tasks (room_id, participant_id, segment_id, text, visibility, done, created_at)
SELECT r.id, p.id, s.id, t.text, t.visibility, t.done, now() - interval '90 minutes' + t.k * interval '1 minute'
FROM rooms r
JOIN (VALUES (1, 0, 'Read the <spec> & take notes', 'private', true, 0),
             (2, 0, 'Draft the "summary"', 'private', false, 4),
             (3, 0, 'Email O''Brien', 'private', false, NULL),
             (4, 0, 'Share the outline', 'public', true, 2),
             (5, 0, 'Pick the next topic', 'public', false, 7),
             (6, 1, 'Fix bug #42 <urgent>', 'public', false, 4),
             (7, 2, 'Write tests & docs', 'public', true, 2),
             (8, 3, 'Translate 日本語 page', 'public', false, NULL),
             (9, 4, 'Review "design" doc', 'public', false, 9),
             (10, 5, 'Answer emails', 'public', true, 0),
             (11, 6, 'Plan the week', 'public', false, 11),
             (12, 7, 'Private thing', 'private', false, NULL),
             (13, 8, 'Another private thing', 'private', true, NULL),
             (14, 9, 'Groceries', 'private', false, NULL)) AS t (k, who, text, visibility, done, seg) ON true
JOIN LATERAL (SELECT id FROM participants WHERE room_id = r.id ORDER BY joined_at OFFSET t.who LIMIT 1) p ON true
LEFT JOIN segments s ON s.room_id = r.id AND s.position = t.seg
WHERE r.code = :'code'
ORDER BY t.k;

-- Proposals: four pending (one of each kind, two adds), two decided. The payload has the shape
-- ProposalStore.propose writes (every key present, 'summary' precomputed).
INSERT INTO proposals (room_id, participant_id, author_name, kind, payload, status, reason, created_at, decided_at)
SELECT r.id, p.id, p.display_name, x.kind,
       jsonb_build_object('segment_id', s.id::text, 'kind', x.seg_kind, 'duration_sec', x.dur, 'label', x.label,
                          'public_task', NULL::text, 'text', x.text, 'summary', x.summary),
       x.status, x.reason, now() - interval '60 minutes' + x.k * interval '5 minutes',
       CASE WHEN x.status <> 'pending' THEN now() - interval '30 minutes' END
FROM rooms r
JOIN (VALUES (1, 2, 'add_segment', 'focus', 1800, NULL, NULL, NULL, 'pending', NULL, 'add Focus · 30 min'),
             (2, 3, 'edit_segment', 'focus', 2400, NULL, NULL, 7, 'pending', NULL, 'change segment 8 (Focus · 50 min) to Focus · 40 min'),
             (3, 4, 'public_task', NULL, NULL, NULL, 'Review <PR> & merge "it"', 9, 'pending', NULL,
              'task “Review <PR> & merge "it"” for segment 10 (Focus · 25 min)'),
             (4, 5, 'add_segment', 'custom', 600, 'Stretch & water', NULL, NULL, 'pending', NULL, 'add Stretch & water · 10 min'),
             (5, 6, 'add_segment', 'break', 300, NULL, NULL, NULL, 'accepted', NULL, 'add Break · 5 min'),
             (6, 7, 'public_task', NULL, NULL, NULL, 'Celebrate 🎉', 2, 'rejected', 'no longer applies: that segment is already over',
              'task “Celebrate 🎉” for segment 3 (Focus · 25 min)'))
     AS x (k, who, kind, seg_kind, dur, label, text, seg, status, reason, summary) ON true
JOIN LATERAL (SELECT id, display_name FROM participants WHERE room_id = r.id ORDER BY joined_at OFFSET x.who LIMIT 1) p ON true
LEFT JOIN segments s ON s.room_id = r.id AND s.position = x.seg
WHERE r.code = :'code'
ORDER BY x.k;

COMMIT;

SELECT 'busy room ' || r.code || ': version ' || r.version || ', '
       || (SELECT count(*) FROM participants WHERE room_id = r.id) || ' participants, '
       || (SELECT count(*) FROM segments WHERE room_id = r.id) || ' segments, '
       || (SELECT count(*) FROM messages WHERE room_id = r.id) || ' messages, '
       || (SELECT count(*) FROM tasks WHERE room_id = r.id) || ' tasks, '
       || (SELECT count(*) FROM proposals WHERE room_id = r.id) || ' proposals'
FROM rooms r WHERE r.code = :'code';
