-- Accounts: users, their sign-in methods, mail links, an outbox, and sessions that may belong
-- to a user.

CREATE TABLE users (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stored as typed; unique and looked up without regard to case.
    email              text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    email_verified_at  timestamptz,
    -- libsodium's encoded Argon2id string (algorithm and parameters inside); NULL for accounts
    -- made through OAuth that never set one.
    password_hash      text,
    username           text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_-]{2,29}$'),
    display_name       text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 40),
    bio                text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 2000),
    social_links       text[] NOT NULL DEFAULT '{}' CHECK (cardinality(social_links) <= 5),
    show_recent_rooms  boolean NOT NULL DEFAULT false,
    -- The file name under the uploads directory (random, ours) and its sniffed type.
    avatar_file        text CHECK (avatar_file ~ '^[A-Za-z0-9_-]{22,64}\.(png|jpg|webp)$'),
    avatar_type        text CHECK (avatar_type IN ('image/png', 'image/jpeg', 'image/webp')),
    theme              text NOT NULL DEFAULT 'midnight_bloom',
    sound_on           boolean NOT NULL DEFAULT true,
    timezone           text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64),
    role               text NOT NULL DEFAULT 'USER' CHECK (role IN ('USER', 'ADMIN')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((avatar_file IS NULL) = (avatar_type IS NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- A session may be signed in. Ending a user's sessions is a DELETE, so a stolen or old cookie
-- is a guest from then on.
ALTER TABLE sessions
    ADD COLUMN user_id    uuid REFERENCES users (id) ON DELETE CASCADE,
    -- A public handle for the sessions page: the id hash itself never leaves the server.
    ADD COLUMN public_id  text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD COLUMN user_agent text NOT NULL DEFAULT '' CHECK (char_length(user_agent) <= 300),
    ADD COLUMN signed_in_at timestamptz;
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX sessions_public_id_key ON sessions (public_id);

-- Which account a room participant belongs to, for recent rooms; set at join and at sign-in.
ALTER TABLE participants ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX participants_user_idx ON participants (user_id, last_seen_at) WHERE user_id IS NOT NULL;

-- Mailed links: only the SHA-256 of the token is stored; single use (used_at) and short-lived.
CREATE TABLE mail_tokens (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify', 'magic', 'reset', 'delete')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    -- A confirmation link sets the password typed at the sign-up that sent it, so whoever
    -- signed up first with someone else's address gains nothing when its owner confirms.
    password_hash text
);
CREATE INDEX mail_tokens_user_idx ON mail_tokens (user_id);

-- "Send me a link" requests, answered by the mail job rather than the request itself: the
-- request does the same work (one INSERT) whether or not the address has an account, so
-- neither its reply nor its timing tells.
CREATE TABLE mail_requests (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL CHECK (char_length(email) <= 254),
    purpose       text NOT NULL CHECK (purpose IN ('signup', 'magic', 'reset')),
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Sign-in through GitHub or Google: one row per provider account.
CREATE TABLE oauth_identities (
    provider   text NOT NULL CHECK (provider IN ('github', 'google')),
    subject    text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 255),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject)
);
CREATE INDEX oauth_identities_user_idx ON oauth_identities (user_id);

-- An OAuth round trip in flight: `state` (hashed) bound to the browser's session, with the
-- PKCE verifier. After the callback, a sign-in waiting for the user's consent to link it to an
-- existing account keeps the provider's answer here too.
CREATE TABLE oauth_flows (
    state_hash   bytea PRIMARY KEY CHECK (octet_length(state_hash) = 32),
    session_hash bytea NOT NULL,
    provider     text NOT NULL CHECK (provider IN ('github', 'google')),
    verifier     text NOT NULL,
    link_user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    subject      text,
    email        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

-- Mail waiting to go out. Written in the same transaction as what it is about, sent by a job in
-- any responder (SKIP LOCKED), retried with back-off.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    recipient    text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    next_try_at  timestamptz NOT NULL DEFAULT now(),
    last_error   text,
    sent_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due_idx ON outbox (next_try_at) WHERE sent_at IS NULL;

-- The shape UserStore reads an account in, so every query names it the same way.
CREATE VIEW account_rows AS
SELECT id, email, email_verified_at IS NOT NULL AS verified, password_hash, username, display_name, bio,
       array_to_string(social_links, E'\n') AS links, show_recent_rooms, avatar_file, avatar_type, theme, sound_on,
       timezone, role, extract(epoch FROM created_at)::float8 AS created_epoch, created_at
FROM users;

-- A seat taken by a signed-in browser belongs to its account too (for recent rooms), whichever
-- code path inserts it.
CREATE FUNCTION participants_set_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.user_id IS NULL THEN
        NEW.user_id := (SELECT user_id FROM sessions WHERE id_hash = NEW.session_hash);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER participants_set_user BEFORE INSERT ON participants
    FOR EACH ROW EXECUTE FUNCTION participants_set_user();
