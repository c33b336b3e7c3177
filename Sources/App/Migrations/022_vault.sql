-- The motivational vault (issue 14, seed 003 §2.5): each account's own quotes and snippets.
-- Private: every statement on this table names the owner (VaultStore). The limits are
-- VaultLimits' (Domain); the checks here are the last line, not the messages people see.
CREATE TABLE vault_quotes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Markdown as typed (rendered with Markdown.renderSafeHTML when shown).
    body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    source      text NOT NULL DEFAULT '' CHECK (char_length(source) <= 200),
    -- Normalised by QuoteTags: lower case, at most 10 of at most 32 characters, no commas.
    tags        text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10),
    favourite   boolean NOT NULL DEFAULT false,
    -- Bumped by every edit of the text, source or tags: an edit made from an older form is a 409.
    version     int NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- The list (newest first) and the random pick (the n-th of one owner's favourites or others)
-- both walk one owner's slice of this index, never the table.
CREATE INDEX vault_quotes_owner_idx ON vault_quotes (user_id, favourite, id);

-- "Show me a quote on /me and during breaks": on unless the owner turns it off.
ALTER TABLE users ADD COLUMN vault_quotes_shown boolean NOT NULL DEFAULT true;
