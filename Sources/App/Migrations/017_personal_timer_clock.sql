-- The personal timer's clock (issue 13): two facts TimerCycle needs that 016 does not keep.
ALTER TABLE personal_timers
    -- How much of the current segment's run time is already in the ledger and the day's stats
    -- (written at each pause), so its end or cut writes only the rest: every second credited once,
    -- each at the moment it ran.
    ADD COLUMN accounted_ms int NOT NULL DEFAULT 0 CHECK (accounted_ms >= 0),
    -- When the timer last stopped running (a pause, a reset or stop, a segment that ended and
    -- waits); NULL while running. The cycle starts over idle_reset_minutes after it.
    ADD COLUMN stopped_at timestamptz,
    ADD CHECK (status <> 'running' OR stopped_at IS NULL);
