-- Two-factor sign-in for admins (issue 17): each admin's TOTP secret, sealed with a key from the
-- environment; their one-time recovery codes, kept as keyed hashes; and, on the session row, when
-- this session passed the second factor (gone with the row when the session ends).

CREATE TABLE admin_second_factors (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- XChaCha20-Poly1305 of the 20-byte secret (nonce 24 ‖ ciphertext 20 ‖ tag 16) under a subkey
    -- of POMOPOMO_TOTP_KEY, with the user id as associated data: a dump of this table is useless
    -- without the key, and a row's secret does not open on another row.
    secret_sealed  bytea NOT NULL CHECK (octet_length(secret_sealed) = 60),
    enrolled_at    timestamptz NOT NULL DEFAULT now(),
    -- The last 30-second step whose code was accepted: that step and earlier ones are refused,
    -- so a code works once (RFC 6238 section 5.2).
    last_used_step bigint NOT NULL,
    -- Wrong codes since failures_since, counted here as well as in Redis: the rate limit lives in
    -- Redis and lets requests through while it is down, and six digits must not be guessable then.
    recent_failures int NOT NULL DEFAULT 0 CHECK (recent_failures >= 0),
    failures_since  timestamptz
);

CREATE TABLE admin_recovery_codes (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- BLAKE2b of the code keyed with another subkey of POMOPOMO_TOTP_KEY.
    code_hash  bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

ALTER TABLE sessions ADD COLUMN second_factor_at timestamptz;
