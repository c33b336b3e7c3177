-- The social graph and each person's live channel (issue 12): friend requests, friendships,
-- blocks, notifications, and the per-account settings they need. Direct messages and favorite
-- rooms have their own migrations.

-- What a person chose: who may message them, and whether friends see them at all.
ALTER TABLE users
    ADD COLUMN message_policy  text NOT NULL DEFAULT 'friends' CHECK (message_policy IN ('friends', 'anyone')),
    ADD COLUMN appear_offline  boolean NOT NULL DEFAULT false,
    -- The version of the person's live channel (`user:<id>`), in milliseconds since 1970 and never
    -- going back (`bump_live`): moved by every stored event that channel carries (a message, a
    -- request, a notification), so a poll that names an older one is answered. Presence changes
    -- are carried by Redis alone (`UserChannel`), on the same millisecond scale.
    ADD COLUMN live_v          bigint NOT NULL DEFAULT 0;

-- A request from one person to another. Decided requests stay: a declined one stops the same
-- request for 30 days, and the counts "20 a day" and "100 pending" are read here.
CREATE TABLE friend_requests (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    CHECK (from_id <> to_id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- At most one pending request between two people, whichever way: two people asking each other
-- at once make one request (the second finds the first and accepts it).
CREATE UNIQUE INDEX friend_requests_pending_pair_idx ON friend_requests (least(from_id, to_id), greatest(from_id, to_id))
    WHERE status = 'pending';
CREATE INDEX friend_requests_to_idx ON friend_requests (to_id, created_at DESC) WHERE status = 'pending';
CREATE INDEX friend_requests_from_idx ON friend_requests (from_id, created_at DESC);

-- A friendship is two rows, one per direction, written and removed together, so "my friends"
-- is one index range whichever side asked.
CREATE TABLE friendships (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    friend_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    since     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, friend_id),
    CHECK (user_id <> friend_id)
);

CREATE TABLE user_blocks (
    blocker_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX user_blocks_blocked_idx ON user_blocks (blocked_id, blocker_id);

CREATE FUNCTION are_friends(a uuid, b uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM friendships WHERE user_id = a AND friend_id = b)
$$;

-- Either blocked the other: each is hidden from the other, whoever blocked.
CREATE FUNCTION blocked_between(a uuid, b uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM user_blocks WHERE (blocker_id = a AND blocked_id = b) OR (blocker_id = b AND blocked_id = a))
$$;

-- Moves people's live channels on; returns each one's new version for the wake-up that follows
-- the commit. Milliseconds, so a version also says when; never backwards, even when two hosts'
-- clocks disagree.
CREATE FUNCTION bump_live(ids uuid[]) RETURNS TABLE (id uuid, live_v bigint) LANGUAGE sql AS $$
    UPDATE users u SET live_v = greatest(u.live_v + 1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
    WHERE u.id = ANY (ids)
    RETURNING u.id, u.live_v
$$;

-- What happened for someone: a request, an acceptance, a message, a room invite, an achievement.
-- `actor_id` is who did it; `subject` names what it is about (a room code, a request id), shown
-- through the kind's own wording, never as markup.
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    actor_id   uuid REFERENCES users (id) ON DELETE CASCADE,
    subject    text NOT NULL DEFAULT '' CHECK (char_length(subject) <= 200),
    -- How many events this unread notice stands for (new messages in one conversation are one
    -- notice, counted, not one notice each).
    count      integer NOT NULL DEFAULT 1 CHECK (count >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
-- One unread notice per kind, actor and subject: a second of the same folds into it.
CREATE UNIQUE INDEX notifications_unread_fold_idx ON notifications (user_id, kind, coalesce(actor_id, '00000000-0000-0000-0000-000000000000'::uuid), subject)
    WHERE read_at IS NULL;
