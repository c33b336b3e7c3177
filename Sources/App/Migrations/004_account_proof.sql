-- Accounts are made by whoever proves the address, not by whoever typed it first (issue 9 §1).
-- A sign-up no longer inserts a users row: it is a pending request carried by the confirmation
-- link itself (email, username, the password's hash and the browser that typed it). The account
-- is created when the link is used, so nobody can set a password, claim a username or link an
-- identity on an address before its owner proves it.

ALTER TABLE mail_requests
    ADD COLUMN username     text CHECK (username IS NULL OR char_length(username) <= 30),
    ADD COLUMN session_hash bytea CHECK (session_hash IS NULL OR octet_length(session_hash) = 32);

ALTER TABLE mail_tokens
    ALTER COLUMN user_id DROP NOT NULL,
    ADD COLUMN email        text CHECK (email IS NULL OR char_length(email) <= 254),
    ADD COLUMN username     text CHECK (username IS NULL OR char_length(username) <= 30),
    -- The session that typed the password: opened in that browser, the link adopts it without
    -- asking; anywhere else the password must be typed again to be adopted.
    ADD COLUMN session_hash bytea CHECK (session_hash IS NULL OR octet_length(session_hash) = 32),
    -- Every link names an account, except a sign-up's, which names the address to create.
    ADD CONSTRAINT mail_tokens_target CHECK (user_id IS NOT NULL OR (purpose = 'verify' AND email IS NOT NULL AND username IS NOT NULL));
CREATE INDEX mail_tokens_signup_idx ON mail_tokens (lower(email), created_at) WHERE user_id IS NULL;

-- Accounts left unconfirmed by the old sign-up lose the password their creator typed: it was
-- never proven to be the owner's. Their confirmation links still carry it for whoever confirms.
UPDATE users SET password_hash = NULL WHERE email_verified_at IS NULL;
