-- Achievements (issue 11): each awarded once per account (the primary key; awarding is
-- INSERT … ON CONFLICT DO NOTHING), in the crediting transaction that earns it, when a guest's
-- credit is adopted, or by `pomopomo achievements backfill`. The names are Domain's
-- `Achievement` stored names; no CHECK lists them, so a new rule needs no migration.
CREATE TABLE user_achievements (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    achievement text NOT NULL CHECK (achievement ~ '^[a-z0-9_]{1,40}$'),
    earned_at   timestamptz NOT NULL DEFAULT now(),
    -- When the owner dismissed the notice; NULL while the notice is still shown.
    seen_at     timestamptz,
    PRIMARY KEY (user_id, achievement)
);

-- The crediting transaction counts each credited person's earlier sessions with company, up to
-- what the rules need (Team Player: 3 people present; Host: hosted with someone else there).
-- With these, a count reads at most that many index entries however long the person's ledger.
CREATE INDEX focus_credits_team_idx ON focus_credits (user_id, ended_at)
    WHERE user_id IS NOT NULL AND completed AND people_present >= 3;
CREATE INDEX focus_credits_hosted_idx ON focus_credits (user_id, ended_at)
    WHERE user_id IS NOT NULL AND completed AND hosted AND people_present >= 2;

-- Whether PostgreSQL knows a zone name. Ledger rows carry the zone the application knew; the
-- backfill reads their local hours here, and one zone unknown to this server must not fail it.
-- Asked once per distinct zone (each call is a subtransaction), not per row.
CREATE FUNCTION known_time_zone(zone text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM now() AT TIME ZONE zone;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END $$;
