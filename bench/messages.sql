-- bench/messages.sh: :messages direct messages over :conversations conversations (two bench accounts
-- each), written straight into the database after `migrate`, set-based. Messages are interleaved in time
-- across conversations, as real traffic is: a conversation's messages lie scattered over the whole
-- table. One conversation, between dmb_viewer and dmb_peer (friends), gets every :every-th message
-- (5,000 at 10 M): its pages are the ones measured. The viewer is signed in on the session whose id hash
-- is :'viewer_hash' (hex). Indexes are dropped for the load and built again after it.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO users (email, email_verified_at, username, display_name)
SELECT 'dmb' || i || '@example.test', now(), 'dmb_' || i, 'DM Bench ' || i FROM generate_series(1, :conversations * 2) AS i;
INSERT INTO users (email, email_verified_at, username, display_name)
VALUES ('dmb_viewer@example.test', now(), 'dmb_viewer', 'DM Viewer'), ('dmb_peer@example.test', now(), 'dmb_peer', 'DM Peer');
INSERT INTO friendships (user_id, friend_id)
SELECT a.id, b.id FROM users a, users b WHERE a.username IN ('dmb_viewer', 'dmb_peer') AND b.username IN ('dmb_viewer', 'dmb_peer')
  AND a.id <> b.id;

-- Conversation n (1..:conversations) is between dmb_{2n-1} and dmb_{2n}; number 0 is the measured one.
CREATE TEMP TABLE bench_pairs ON COMMIT DROP AS
SELECT n, least(a.id, b.id) AS lo, greatest(a.id, b.id) AS hi, a.id AS first
FROM generate_series(1, :conversations) AS n
JOIN users a ON a.username = 'dmb_' || (2 * n - 1) JOIN users b ON b.username = 'dmb_' || (2 * n)
UNION ALL
SELECT 0, least(v.id, p.id), greatest(v.id, p.id), p.id FROM users v, users p WHERE v.username = 'dmb_viewer' AND p.username = 'dmb_peer';
INSERT INTO conversations (user_lo, user_hi) SELECT lo, hi FROM bench_pairs ORDER BY n;
CREATE TEMP TABLE bench_conv ON COMMIT DROP AS
SELECT p.n, c.id, p.lo, p.hi, p.first FROM bench_pairs p JOIN conversations c ON c.user_lo = p.lo AND c.user_hi = p.hi;
CREATE UNIQUE INDEX ON bench_conv (n);
ANALYZE bench_conv;

ALTER TABLE direct_messages DROP CONSTRAINT direct_messages_pkey;
DROP INDEX direct_messages_conversation_idx;
DROP INDEX direct_messages_sender_idx;
ALTER TABLE direct_messages DROP CONSTRAINT direct_messages_conversation_id_fkey;
ALTER TABLE direct_messages DROP CONSTRAINT direct_messages_sender_id_fkey;

-- Message g goes to conversation 0 every :every-th time, else to conversation g % :conversations + 1;
-- senders alternate; one message every 250 ms, the newest a minute ago (29 days at 10 M).
INSERT INTO direct_messages (conversation_id, sender_id, body, sent_at)
SELECT c.id, CASE WHEN g % 2 = 0 THEN c.lo ELSE c.hi END, 'Bench message number ' || g || ', about focus and tea.',
       now() - interval '1 minute' - (:messages - g) * interval '250 milliseconds'
FROM generate_series(1, :messages) AS g
JOIN bench_conv c ON c.n = CASE WHEN g % :every = 0 THEN 0 ELSE g % :conversations + 1 END;

ALTER TABLE direct_messages ADD PRIMARY KEY (id, sent_at);
CREATE INDEX direct_messages_conversation_idx ON direct_messages (conversation_id, id DESC);
CREATE INDEX direct_messages_sender_idx ON direct_messages (sender_id, sent_at DESC);
ALTER TABLE direct_messages ADD FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE;
ALTER TABLE direct_messages ADD FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE CASCADE;

UPDATE conversations c SET last_message_id = m.id, last_message_at = m.sent_at
FROM (SELECT DISTINCT ON (conversation_id) conversation_id, id, sent_at FROM direct_messages ORDER BY conversation_id, id DESC) m
WHERE m.conversation_id = c.id;
INSERT INTO conversation_members (user_id, conversation_id, peer_id, last_read_id, last_message_id)
SELECT x.me, c.id, x.them, 0, c.last_message_id
FROM conversations c, LATERAL (VALUES (c.user_lo, c.user_hi), (c.user_hi, c.user_lo)) AS x (me, them)
WHERE c.last_message_id IS NOT NULL;

INSERT INTO sessions (id_hash, expires_at, user_id, signed_in_at)
SELECT decode(:'viewer_hash', 'hex'), now() + interval '30 days', id, now() FROM users WHERE username = 'dmb_viewer';
COMMIT;
VACUUM ANALYZE direct_messages;
VACUUM ANALYZE conversations;
VACUUM ANALYZE conversation_members;
ANALYZE users;
