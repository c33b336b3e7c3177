-- Direct messages (issue 12): one conversation per pair of people, each member's read marker,
-- the messages themselves, and reports of messages for the admins.

-- Until when a sender may not send direct messages: a burst (`MessagePace`) sets it. On the
-- sender's row, which each send locks, so the count and the mute agree across responders.
ALTER TABLE users ADD COLUMN dm_muted_until timestamptz;

-- One row per pair, its members in uuid order so the pair is found by one unique index whoever
-- writes first. Deleting either account deletes the conversation and its messages (the deletion
-- page says so).
CREATE TABLE conversations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_lo         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_hi         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- The newest message (id and time, so it is found in a time-partitioned table by its key).
    last_message_id bigint,
    last_message_at timestamptz,
    CHECK (user_lo < user_hi),
    UNIQUE (user_lo, user_hi)
);
CREATE INDEX conversations_user_hi_idx ON conversations (user_hi);

-- Each member's side of a conversation: whom it is with, how far they have read, and the newest
-- message (copied here so "my conversations, newest first" is one index range per person).
CREATE TABLE conversation_members (
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    peer_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_id    bigint NOT NULL DEFAULT 0,
    last_message_id bigint NOT NULL,
    PRIMARY KEY (user_id, conversation_id),
    UNIQUE (user_id, peer_id)
);
CREATE INDEX conversation_members_newest_idx ON conversation_members (user_id, last_message_id DESC);

-- The messages. Ids come from one sequence, so they grow with time: pages are keyset on id.
-- The primary key holds `sent_at` so the table can become range-partitioned by month without
-- changing it (PostgreSQL requires the partition key in every unique index; ARCHITECTURE.md,
-- "Direct messages"). A deleted message keeps its place, its text erased.
CREATE TABLE direct_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body            text NOT NULL,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    PRIMARY KEY (id, sent_at),
    -- 2,000 characters as people count them (`MessageText`); PostgreSQL counts code points, of
    -- which one character (an emoji, a letter with accents) may take several.
    CHECK ((deleted_at IS NULL AND char_length(body) BETWEEN 1 AND 16000) OR (deleted_at IS NOT NULL AND body = ''))
);
-- A conversation's pages: WHERE conversation_id = $1 AND id < $2 ORDER BY id DESC LIMIT 50.
CREATE INDEX direct_messages_conversation_idx ON direct_messages (conversation_id, id DESC);
-- The sender's pace (30 a minute, bursts) and the export.
CREATE INDEX direct_messages_sender_idx ON direct_messages (sender_id, sent_at DESC);

-- "This message is abusive": for the admins. The message's text is copied, so a report stays
-- readable after the sender deletes it (or their account); no foreign key to the message for the
-- same reason (and a partitioned table's key is (id, sent_at)).
CREATE TABLE message_reports (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reporter_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id      bigint NOT NULL,
    conversation_id bigint,
    sender_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    body            text NOT NULL,
    reason          text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reporter_id, message_id)
);
CREATE INDEX message_reports_created_idx ON message_reports (created_at DESC);
