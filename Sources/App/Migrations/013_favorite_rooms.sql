-- Favorite rooms (issue 12, seed 003 §2.2): a starred room outlives the room itself. While the
-- room lives the star points at it; once it is cleaned away `room_id` becomes NULL and what is
-- needed to start it again stays here: its code (for the words), queue and theme.
CREATE TABLE favorite_rooms (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id      uuid REFERENCES rooms (id) ON DELETE SET NULL,
    -- The room's code as shown (ABC-DEF), kept when the room row goes.
    room_code    text NOT NULL CHECK (room_code ~ '^[A-Z0-9]{3}-[A-Z0-9]{3}$'),
    -- The queue when starred: [{"kind", "label", "duration"}], in order (segments' own shape).
    queue        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(queue) = 'array'),
    theme        text NOT NULL,
    starred_at   timestamptz NOT NULL DEFAULT now(),
    -- After "start again": the friends who were in, or invited to, the room it replaced, offered
    -- first (and ticked) in the new room's invite form.
    invite_again uuid[] NOT NULL DEFAULT '{}',
    UNIQUE (user_id, room_id)
);
CREATE INDEX favorite_rooms_user_idx ON favorite_rooms (user_id, starred_at DESC, id DESC);

-- /notifications lists newest first by when a notice last changed (a folded notice moves to the
-- top, see NotificationStore.add), paged by keyset on (created_at, id).
CREATE INDEX notifications_user_recent_idx ON notifications (user_id, created_at DESC, id DESC);
