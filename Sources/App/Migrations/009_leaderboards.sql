-- Leaderboards (issue 11). The boards themselves are Redis sorted sets rebuilt from the ledger
-- (see Stats/Leaderboards.swift); PostgreSQL keeps who may be on them and the reports.

-- The person's own choice (Settings → Preferences), and an admin's decision, kept apart so that
-- rejoining never undoes a hide. Either keeps them off every board and out of every rebuild.
ALTER TABLE users
    ADD COLUMN on_leaderboards       boolean NOT NULL DEFAULT true,
    ADD COLUMN leaderboard_hidden_at timestamptz,
    ADD COLUMN leaderboard_hidden_by uuid REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX users_leaderboard_hidden_idx ON users (leaderboard_hidden_at DESC) WHERE leaderboard_hidden_at IS NOT NULL;

-- "This entry looks wrong": who reported whom, on which board, why, and when.
CREATE TABLE leaderboard_reports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reporter_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reported_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    board       text NOT NULL CHECK (board IN ('weekly', 'monthly', 'alltime', 'consistency')),
    reason      text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (reporter_id <> reported_id)
);
CREATE INDEX leaderboard_reports_recent_idx ON leaderboard_reports (created_at DESC);
CREATE INDEX leaderboard_reports_reported_idx ON leaderboard_reports (reported_id);

-- The all-time board read straight from PostgreSQL while Redis is catching up: the top 50 by
-- an index, not a sort of every account.
CREATE INDEX user_stats_total_idx ON user_stats (total_seconds DESC) WHERE total_seconds > 0;

-- Who is ranked: on the boards by their own choice and not hidden by an admin. One definition
-- for every statement that reads the boards (a plain SQL function, inlined by the planner).
CREATE FUNCTION is_ranked(u users) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT u.on_leaderboards AND u.leaderboard_hidden_at IS NULL
$$;
