-- Guest sessions, rooms and their participants: the first slice.

-- A browser's session. Only the SHA-256 of the cookie value is stored, so a database leak
-- cannot be replayed as cookies.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE rooms (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code                  text NOT NULL UNIQUE CHECK (code ~ '^[2-9A-HJKMNP-TV-Z]{6}$'),
    host_session          bytea NOT NULL,
    theme                 text NOT NULL DEFAULT 'midnight_bloom',
    status                text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'running', 'paused', 'ended')),
    current_segment_index integer NOT NULL DEFAULT 0 CHECK (current_segment_index >= 0),
    -- Bumped in the same transaction as every visible change; long-polls carry the last one seen.
    version               bigint NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz NOT NULL
);
CREATE INDEX rooms_expires_at_idx ON rooms (expires_at);

CREATE TABLE participants (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id      uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    session_hash bytea NOT NULL,
    display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 40),
    role         text NOT NULL CHECK (role IN ('host', 'guest')),
    is_muted     boolean NOT NULL DEFAULT false,
    joined_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (room_id, session_hash)
);
