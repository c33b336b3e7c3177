-- The personal timer (issue 13, seed 002): one per person. A guest's belongs to its browser
-- session until that session signs up or in, when the account adopts it (PersonalTimerStore.adopt).
-- The timer is kept as timestamps, like a room's, and moved on by whoever looks after a segment
-- ended: a request, or the sweeper.
CREATE TABLE personal_timers (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id               uuid UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    session_hash          bytea UNIQUE REFERENCES sessions (id_hash) ON DELETE CASCADE,
    CHECK ((user_id IS NULL) <> (session_hash IS NULL)),
    -- Guests have no preferences page: their zone lives here. Accounts use users.timezone, the
    -- one zone for everything.
    guest_timezone        text NOT NULL DEFAULT 'UTC' CHECK (char_length(guest_timezone) BETWEEN 1 AND 64),

    -- Configuration (seed 002's UserConfiguration); the limits are TimerSettings' (Domain).
    focus_seconds         int NOT NULL DEFAULT 1500 CHECK (focus_seconds BETWEEN 60 AND 14400),
    short_break_seconds   int NOT NULL DEFAULT 300 CHECK (short_break_seconds BETWEEN 60 AND 3600),
    long_break_seconds    int NOT NULL DEFAULT 900 CHECK (long_break_seconds BETWEEN 60 AND 7200),
    long_break_interval   int NOT NULL DEFAULT 4 CHECK (long_break_interval BETWEEN 1 AND 12),
    auto_start_breaks     boolean NOT NULL DEFAULT true,
    -- Off by default: a focus that starts itself with nobody there would credit focus nobody did.
    auto_start_focus      boolean NOT NULL DEFAULT false,
    sound_enabled         boolean NOT NULL DEFAULT true,
    notifications_enabled boolean NOT NULL DEFAULT false,
    -- DailyResetTime: midnight, a whole hour, or a custom HH:MM, as minutes after local midnight.
    reset_kind            text NOT NULL DEFAULT 'midnight' CHECK (reset_kind IN ('midnight', 'hour', 'custom')),
    reset_minutes         int NOT NULL DEFAULT 0 CHECK (reset_minutes BETWEEN 0 AND 1439),
    CHECK (reset_kind <> 'midnight' OR reset_minutes = 0),
    CHECK (reset_kind <> 'hour' OR reset_minutes % 60 = 0),
    -- The cycle starts over after this long without a segment running.
    idle_reset_minutes    int NOT NULL DEFAULT 120 CHECK (idle_reset_minutes BETWEEN 5 AND 1440),

    -- The timer (TimerPhase, PersonalTimerStatus in Domain).
    phase                 text NOT NULL DEFAULT 'focus' CHECK (phase IN ('focus', 'short_break', 'long_break')),
    status                text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'running', 'paused')),
    -- The current segment's length as it was when it started (a settings change waits for the next).
    segment_seconds       int NOT NULL DEFAULT 1500 CHECK (segment_seconds > 0),
    segment_ends_at       timestamptz,
    paused_remaining_ms   int CHECK (paused_remaining_ms >= 0),
    CHECK ((status = 'running') = (segment_ends_at IS NOT NULL)),
    CHECK ((status = 'paused') = (paused_remaining_ms IS NOT NULL)),
    -- Focus segments completed in this cycle (the next long break comes at long_break_interval).
    cycle_done            int NOT NULL DEFAULT 0 CHECK (cycle_done >= 0),
    last_activity_at      timestamptz NOT NULL DEFAULT now(),

    -- Today's count (seed: today_session_count, manual_session_override, last_daily_reset).
    today_count           int NOT NULL DEFAULT 0 CHECK (today_count BETWEEN 0 AND 1000),
    manual_override       int CHECK (manual_override BETWEEN 0 AND 1000),
    -- The owner's local day the count belongs to (DayBoundary with the reset time).
    count_day             date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date,
    last_daily_reset      timestamptz,

    -- Every change adds one: the live channel's version (`ptimer:<id>`), and what a client's
    -- "version" names so a replayed or out-of-order PUT is refused.
    version               bigint NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
-- The sweeper's look for running timers whose segment ended.
CREATE INDEX personal_timers_due_idx ON personal_timers (segment_ends_at) WHERE status = 'running';

-- Seed 002's ScheduledTask: the daily reset of each timer, due at `next_execution_at`.
CREATE TABLE scheduled_tasks (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    timer_id          uuid NOT NULL REFERENCES personal_timers (id) ON DELETE CASCADE,
    task_type         text NOT NULL CHECK (task_type IN ('daily_reset')),
    -- The local time it means, as cron would say it ("30 2 * * *"), for people reading the table.
    cron_expression   text NOT NULL CHECK (char_length(cron_expression) <= 40),
    timezone          text NOT NULL CHECK (char_length(timezone) BETWEEN 1 AND 64),
    last_executed_at  timestamptz,
    next_execution_at timestamptz NOT NULL,
    is_active         boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- At most one active daily reset per timer (seed 002, business rule 5).
CREATE UNIQUE INDEX scheduled_tasks_one_daily_reset ON scheduled_tasks (timer_id)
    WHERE is_active AND task_type = 'daily_reset';
CREATE INDEX scheduled_tasks_due_idx ON scheduled_tasks (next_execution_at) WHERE is_active;

-- Seed 002's SessionResetEvent: the audit trail of every change to today's count that was not a
-- session completing (automatic resets, manual overrides, zone and configuration changes).
CREATE TABLE session_reset_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    timer_id         uuid NOT NULL REFERENCES personal_timers (id) ON DELETE CASCADE,
    reset_type       text NOT NULL CHECK (reset_type IN ('automatic', 'manual', 'timezone_change', 'configuration_change')),
    previous_count   int NOT NULL CHECK (previous_count >= 0),
    new_count        int NOT NULL CHECK (new_count >= 0),
    reset_at         timestamptz NOT NULL,
    user_timezone    text NOT NULL,
    -- The wall time where it happened, with the zone's abbreviation ("2026-03-08 03:00 EDT").
    local_reset_time text NOT NULL,
    -- From the long-lived `pp_dev` cookie (a random id, not a fingerprint); NULL for the sweeper.
    device_id        text CHECK (char_length(device_id) <= 64),
    context          text CHECK (char_length(context) <= 500),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_reset_events_timer_idx ON session_reset_events (timer_id, reset_at DESC);
-- The retention job prunes by age.
CREATE INDEX session_reset_events_created_idx ON session_reset_events (created_at);

-- Seed 002's DailySessionStats, one row per timer and local day (the owner's day, by the same
-- boundary as the reset).
CREATE TABLE daily_session_stats (
    timer_id                uuid NOT NULL REFERENCES personal_timers (id) ON DELETE CASCADE,
    date                    date NOT NULL,
    timezone                text NOT NULL,
    work_sessions_completed int NOT NULL DEFAULT 0 CHECK (work_sessions_completed >= 0),
    total_work_seconds      int NOT NULL DEFAULT 0 CHECK (total_work_seconds >= 0),
    total_break_seconds     int NOT NULL DEFAULT 0 CHECK (total_break_seconds >= 0),
    manual_overrides        int NOT NULL DEFAULT 0 CHECK (manual_overrides >= 0),
    -- The count shown when the day ended (set by the reset that closed it).
    final_count             int,
    closed_at               timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (timer_id, date)
);

-- Personal API tokens (Bearer) for scripts; only the SHA-256 is stored. Revoking deletes.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    -- The first characters, shown on /settings/api so a person can tell tokens apart.
    hint         text NOT NULL CHECK (char_length(hint) <= 16),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);
