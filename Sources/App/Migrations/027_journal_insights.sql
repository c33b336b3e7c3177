-- The focus journal at two years (issue 15, bench/journal_insights.sh). A session's start ends the
-- owner's open break (JournalProjection.sessionStarted: `WHERE user_id = $1 AND ended_at IS NULL`).
-- journal_breaks_owner_idx (user_id, started_at) made that read every break the owner ever took, so
-- each start, and each one a rebuild replays, cost more as the journal grew. This index holds the
-- open breaks alone (one per owner at most, as the flow goes).
CREATE INDEX journal_breaks_open_idx ON journal_breaks (user_id) WHERE ended_at IS NULL;
