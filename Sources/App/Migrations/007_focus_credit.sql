-- Focus credit (issue 11): who focused, for how long, on which of their days. One append-only
-- ledger is the truth; user_stats is its projection and can be rebuilt from it.

-- A room's focus clock: milliseconds its timer has run in focus segments since the room was
-- made. It ticks from focus_since while a focus segment runs (never past segment_ends_at), so a
-- person's honest minutes between two moments are the clock's difference between them.
ALTER TABLE rooms
    ADD COLUMN focus_clock_ms bigint NOT NULL DEFAULT 0 CHECK (focus_clock_ms >= 0),
    ADD COLUMN focus_since    timestamptz,
    ADD CONSTRAINT rooms_focus_clock_shape CHECK (focus_since IS NULL OR status = 'running');

-- The clock's reading at `at`: the one formula, used by the presence flush, joins and the
-- crediting transaction alike.
CREATE FUNCTION focus_clock_at(clock_ms bigint, since timestamptz, ends timestamptz, at timestamptz)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT clock_ms + CASE WHEN since IS NULL THEN 0
        ELSE greatest(0, floor(extract(epoch FROM least(at, coalesce(ends, at)) - since) * 1000))::bigint END
$$;

-- Each seat's share of the current focus: the clock's reading when the person was last seen
-- while present (mark), and what they have accrued since the last credit. A note more than the
-- online window after the previous one accrues nothing for the gap.
ALTER TABLE participants
    ADD COLUMN focus_mark_ms    bigint NOT NULL DEFAULT 0,
    ADD COLUMN focus_accrued_ms bigint NOT NULL DEFAULT 0 CHECK (focus_accrued_ms >= 0);

-- The ledger. A row is one stretch of focus credited to one person on one local day (a stretch
-- across their midnight is two rows). Guests' rows carry their session hash until they sign
-- up or in, when user_id is set in the same transaction that moves their seats; nothing else
-- about a row ever changes (see the trigger below).
CREATE TABLE focus_credits (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        uuid REFERENCES users (id) ON DELETE CASCADE,
    session_hash   bytea CHECK (session_hash IS NULL OR octet_length(session_hash) = 32),
    source         text NOT NULL CHECK (source IN ('room', 'timer')),
    -- No foreign key: credit outlives the room (clean-rooms deletes rooms after 72 h).
    room_id        uuid,
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz NOT NULL,
    seconds        integer NOT NULL CHECK (seconds > 0),
    -- The person's day when it was written (their zone then, their day boundary, never
    -- earlier than a day already credited), and that zone: later changes rewrite nothing.
    local_day      date NOT NULL,
    time_zone      text NOT NULL CHECK (char_length(time_zone) BETWEEN 1 AND 64),
    -- This row closes a focus segment that ran to its end: one session.
    completed      boolean NOT NULL,
    -- People present when it was credited (the person included), and whether they hosted.
    people_present integer NOT NULL DEFAULT 1 CHECK (people_present >= 1),
    hosted         boolean NOT NULL DEFAULT false,
    CHECK (user_id IS NOT NULL OR session_hash IS NOT NULL),
    CHECK (ended_at > started_at AND seconds <= ceil(extract(epoch FROM ended_at - started_at)))
);
CREATE INDEX focus_credits_user_day_idx ON focus_credits (user_id, local_day) WHERE user_id IS NOT NULL;
CREATE INDEX focus_credits_user_end_idx ON focus_credits (user_id, ended_at) WHERE user_id IS NOT NULL;
CREATE INDEX focus_credits_guest_idx ON focus_credits (session_hash, ended_at) WHERE user_id IS NULL;
CREATE INDEX focus_credits_ended_idx ON focus_credits (ended_at);

-- Append-only: the application may only hand a guest's row to an account.
CREATE FUNCTION focus_credits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.user_id IS NULL AND NEW.user_id IS NOT NULL
       AND (NEW.source, NEW.room_id, NEW.started_at, NEW.ended_at, NEW.seconds, NEW.local_day, NEW.time_zone,
            NEW.completed, NEW.people_present, NEW.hosted)
           IS NOT DISTINCT FROM
           (OLD.source, OLD.room_id, OLD.started_at, OLD.ended_at, OLD.seconds, OLD.local_day, OLD.time_zone,
            OLD.completed, OLD.people_present, OLD.hosted) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'focus_credits is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER focus_credits_append_only BEFORE UPDATE ON focus_credits
    FOR EACH ROW EXECUTE FUNCTION focus_credits_append_only();

-- The seed's UserStats: a projection of the ledger, folded by Domain's `FocusTally` in the
-- crediting transaction and rebuilt from the ledger by `pomopomo stats rebuild`.
CREATE TABLE user_stats (
    user_id          uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    total_seconds    bigint NOT NULL DEFAULT 0,
    sessions         integer NOT NULL DEFAULT 0,
    -- The latest credit: its local day, instant and zone (the streak rule looks at all three).
    last_day         date,
    last_credit_at   timestamptz,
    last_zone        text,
    streak_current   integer NOT NULL DEFAULT 0,
    streak_best      integer NOT NULL DEFAULT 0,
    freezes_banked   integer NOT NULL DEFAULT 0 CHECK (freezes_banked BETWEEN 0 AND 2),
    freezes_spent    integer NOT NULL DEFAULT 0,
    -- When the current streak breaks unless something is credited first (banked freezes
    -- included): the consistency board drops it then.
    streak_alive_until timestamptz,
    best_day         date,
    best_day_seconds bigint NOT NULL DEFAULT 0,
    -- The day being summed for best_day.
    day_seconds      bigint NOT NULL DEFAULT 0,
    -- Nothing is credited twice for the same moment (two rooms, or a room and the personal
    -- timer at once): a new stretch starts no earlier than this.
    credited_until   timestamptz
);
CREATE INDEX user_stats_streak_idx ON user_stats (streak_current DESC) WHERE streak_current > 0;

-- Who sees /u/{name}/stats: everyone, friends (once friends exist), or only the owner.
ALTER TABLE users
    ADD COLUMN stats_visibility text NOT NULL DEFAULT 'everyone' CHECK (stats_visibility IN ('everyone', 'friends', 'only_me'));
