-- What a host (or the chat's burst rule) did to a person that must outlive their seat: a mute,
-- a removal. A seat is deleted when its person leaves or is removed, and joining again makes a
-- fresh one, so these are kept apart from participants, keyed by the session and, when signed
-- in, by the account; they go with the room.
CREATE TABLE room_sanctions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id      uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('mute', 'removal')),
    session_hash bytea NOT NULL CHECK (octet_length(session_hash) = 32),
    user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX room_sanctions_room_idx ON room_sanctions (room_id, kind);
-- Sign-in moves a browser's sanctions to its new session (AccountSessions.signIn).
CREATE INDEX room_sanctions_session_idx ON room_sanctions (session_hash);
CREATE INDEX room_sanctions_user_idx ON room_sanctions (user_id) WHERE user_id IS NOT NULL;
