-- The whole room: timer, segment queue, tasks, proposals, chat, and the daily statistics that
-- outlive rooms.

-- The host is the participant with role 'host'; one source of truth.
ALTER TABLE rooms DROP COLUMN host_session;

-- The timer is stored as timestamps, never as a ticking counter: while running, when the
-- current segment ends; while paused, what remained. Everything else is derived.
ALTER TABLE rooms
    ADD COLUMN segment_ends_at     timestamptz,
    ADD COLUMN paused_remaining_ms integer CHECK (paused_remaining_ms > 0),
    -- The version at which each part of the room last changed, so a long-poll answer carries
    -- only the parts a browser has not seen.
    ADD COLUMN state_v    bigint NOT NULL DEFAULT 1,
    ADD COLUMN people_v   bigint NOT NULL DEFAULT 1,
    ADD COLUMN queue_v    bigint NOT NULL DEFAULT 1,
    ADD COLUMN tasks_v    bigint NOT NULL DEFAULT 1,
    ADD COLUMN proposals_v bigint NOT NULL DEFAULT 1,
    ADD COLUMN chat_v     bigint NOT NULL DEFAULT 1,
    ADD CONSTRAINT rooms_timer_shape CHECK (
        (status = 'running') = (segment_ends_at IS NOT NULL)
        AND (status = 'paused') = (paused_remaining_ms IS NOT NULL));

-- What the sweeper looks for several times a second.
CREATE INDEX rooms_running_ends_idx ON rooms (segment_ends_at) WHERE status = 'running';

CREATE TABLE segments (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id      uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    position     integer NOT NULL CHECK (position BETWEEN 0 AND 99),
    kind         text NOT NULL CHECK (kind IN ('focus', 'break', 'long_break', 'custom')),
    label        text CHECK (char_length(label) BETWEEN 1 AND 40),
    duration_sec integer NOT NULL CHECK (duration_sec BETWEEN 60 AND 14400),
    public_task  text CHECK (char_length(public_task) BETWEEN 1 AND 200),
    -- Checked at the end of each statement, so one UPDATE can swap or shift positions.
    CONSTRAINT segments_room_position_key UNIQUE (room_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    CHECK ((kind = 'custom') = (label IS NOT NULL))
);

CREATE INDEX participants_room_idx ON participants (room_id, joined_at);

CREATE TABLE tasks (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id        uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    -- A task outlives the removal of its segment: it becomes "any segment".
    segment_id     uuid REFERENCES segments (id) ON DELETE SET NULL,
    text           text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 200),
    visibility     text NOT NULL CHECK (visibility IN ('private', 'public')),
    done           boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_room_idx ON tasks (room_id, created_at);
-- Deleting a participant or a segment (and so a room) follows these keys.
CREATE INDEX tasks_participant_idx ON tasks (participant_id);
CREATE INDEX tasks_segment_idx ON tasks (segment_id);

CREATE TABLE proposals (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id        uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    participant_id uuid REFERENCES participants (id) ON DELETE SET NULL,
    author_name    text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('add_segment', 'edit_segment', 'public_task')),
    payload        jsonb NOT NULL,
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    reason         text CHECK (char_length(reason) <= 200),
    created_at     timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz
);
CREATE INDEX proposals_room_idx ON proposals (room_id, created_at);
CREATE INDEX proposals_participant_idx ON proposals (participant_id);

CREATE TABLE messages (
    id               bigserial PRIMARY KEY,
    room_id          uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    participant_id   uuid REFERENCES participants (id) ON DELETE SET NULL,
    author_name      text NOT NULL,
    text             text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
    -- Sent while muted: shown to its sender alone.
    is_shadow_hidden boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_room_idx ON messages (room_id, id DESC);
CREATE INDEX messages_sender_idx ON messages (participant_id, created_at);

-- Focus segments that ran to their end, written in the same transaction that advances the
-- timer past them, so each is counted once.
CREATE TABLE focus_completions (
    room_id      uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    segment_id   uuid NOT NULL,
    seconds      integer NOT NULL CHECK (seconds > 0),
    completed_at timestamptz NOT NULL
);
CREATE INDEX focus_completions_room_idx ON focus_completions (room_id);

-- What is left of rooms after clean-rooms deletes them. Days are UTC.
CREATE TABLE daily_statistics (
    day                 date PRIMARY KEY,
    rooms_created       integer NOT NULL DEFAULT 0,
    total_participants  integer NOT NULL DEFAULT 0,
    total_sessions      integer NOT NULL DEFAULT 0,
    total_focus_seconds bigint NOT NULL DEFAULT 0
);

-- The sessions already counted for a day, so a session in several rooms (cleaned in different
-- runs) counts once. Pruned once no room of that day can still exist.
CREATE TABLE daily_session_seen (
    day          date NOT NULL,
    session_hash bytea NOT NULL,
    PRIMARY KEY (day, session_hash)
);
