-- The focus journal (issue 15, seed 004). `journal_events` is the truth and is append-only; the
-- seed's five entities (journal_days = DayLog, journal_sessions = PomodoroSession,
-- journal_interruptions = InterruptionEvent, journal_breaks = BreakSession, audio_assets =
-- AudioAsset) are projections of it, written only by `JournalProjection` (App/Journal) in the
-- transaction that appends the event, and recomputed from the events by `pomopomo journal
-- rebuild`. Every id in a projection comes from an event (or, for a day, from its owner and
-- date), so a rebuild gives back the very same rows.
CREATE TABLE journal_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Domain JournalEventKind's raw value.
    kind        text NOT NULL CHECK (char_length(kind) <= 40),
    -- When it happened (the request's clock), which a replay uses; recorded_at is when it was written.
    at          timestamptz NOT NULL,
    payload     jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journal_events_owner_idx ON journal_events (user_id, id);

-- Append-only below the application too: no UPDATE, no TRUNCATE, and a DELETE only when the
-- owner is gone (the account's deletion cascades here) or when the transaction says it erases
-- this owner's journal (`SET LOCAL pomopomo.journal_erase = '<user id>'`, JournalErase).
CREATE FUNCTION journal_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND (
        current_setting('pomopomo.journal_erase', true) = OLD.user_id::text
        OR NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id)) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'journal events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER journal_events_append_only BEFORE UPDATE OR DELETE ON journal_events
    FOR EACH ROW EXECUTE FUNCTION journal_events_append_only();
CREATE TRIGGER journal_events_no_truncate BEFORE TRUNCATE ON journal_events
    FOR EACH STATEMENT EXECUTE FUNCTION journal_events_append_only();

-- AudioAsset: a voice note's file (under POMOPOMO_UPLOADS/journal/, a random name) and what is
-- known of it. The transcript lives here, once, and the session, interruption or break holding
-- the note shows it (the seed's intentTranscript / transcript).
CREATE TABLE audio_assets (
    id                uuid PRIMARY KEY,
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- A file name inside the journal upload directory: never a path, never typed by anyone.
    local_path        text NOT NULL CHECK (local_path ~ '^[a-z0-9_-]+\.[a-z0-9]+$'),
    -- Sniffed from the bytes (AudioFormat).
    mime              text NOT NULL,
    bytes             int NOT NULL CHECK (bytes > 0),
    duration_seconds  int NOT NULL CHECK (duration_seconds >= 0),
    created_at        timestamptz NOT NULL,
    -- Domain TranscriptStatus: pending, done, failed.
    transcript_status text NOT NULL DEFAULT 'pending',
    transcript        text CHECK (char_length(transcript) <= 10000),
    -- Domain TranscriptSource: engine or owner (an edit).
    transcript_source text
);
CREATE INDEX audio_assets_owner_idx ON audio_assets (user_id, created_at);

-- DayLog: one per owner and local day (the personal timer's day, reset time included).
CREATE TABLE journal_days (
    -- md5(user_id:day) as a uuid: the same on every rebuild.
    id                    uuid PRIMARY KEY,
    user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day                   date NOT NULL,
    total_pomodoros       int NOT NULL DEFAULT 0,
    completed_pomodoros   int NOT NULL DEFAULT 0,
    -- The seed's name for sessions ended early (abandoned).
    interrupted_pomodoros int NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL,
    UNIQUE (user_id, day)
);

-- PomodoroSession: one focus attempt.
CREATE TABLE journal_sessions (
    id                 uuid PRIMARY KEY,
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day_id             uuid NOT NULL REFERENCES journal_days (id) ON DELETE CASCADE,
    started_at         timestamptz NOT NULL,
    ended_at           timestamptz,
    -- Minutes focused (pauses excluded), set when the session ends.
    duration_minutes   int,
    -- Domain JournalSessionStatus: running, interrupted (paused, for now), completed, abandoned.
    status             text NOT NULL,
    -- Domain IntentCategory.
    intent_category    text NOT NULL,
    intent_audio_id    uuid REFERENCES audio_assets (id) ON DELETE SET NULL,
    interruption_count int NOT NULL DEFAULT 0,
    -- Domain JournalPlace: the personal timer, a room (room_code), or the journal page alone.
    place              text NOT NULL,
    room_code          text,
    -- Seconds focused before the current run, and when the current run began (null while paused
    -- or ended): the duration is their sum at the end.
    focused_seconds    int NOT NULL DEFAULT 0,
    running_since      timestamptz
);
CREATE INDEX journal_sessions_owner_idx ON journal_sessions (user_id, started_at);
CREATE INDEX journal_sessions_day_idx ON journal_sessions (day_id);
-- At most one session open (running or paused) per owner.
CREATE UNIQUE INDEX journal_sessions_open_idx ON journal_sessions (user_id) WHERE status IN ('running', 'interrupted');

-- InterruptionEvent: each pause.
CREATE TABLE journal_interruptions (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id  uuid NOT NULL REFERENCES journal_sessions (id) ON DELETE CASCADE,
    occurred_at timestamptz NOT NULL,
    resumed_at  timestamptz,
    -- Domain InterruptionCategory.
    category    text NOT NULL,
    -- Domain JournalSource: touch, or voice once a note is attached.
    source      text NOT NULL DEFAULT 'touch',
    audio_id    uuid REFERENCES audio_assets (id) ON DELETE SET NULL
);
CREATE INDEX journal_interruptions_session_idx ON journal_interruptions (session_id);
CREATE INDEX journal_interruptions_owner_idx ON journal_interruptions (user_id, occurred_at);

-- BreakSession: the break after a completed session.
CREATE TABLE journal_breaks (
    id                uuid PRIMARY KEY,
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id        uuid NOT NULL REFERENCES journal_sessions (id) ON DELETE CASCADE,
    started_at        timestamptz NOT NULL,
    ended_at          timestamptz,
    duration_minutes  int,
    -- Domain BreakActivity; null until chosen.
    activity_category text,
    source            text NOT NULL DEFAULT 'touch',
    audio_id          uuid REFERENCES audio_assets (id) ON DELETE SET NULL
);
CREATE INDEX journal_breaks_session_idx ON journal_breaks (session_id);
CREATE INDEX journal_breaks_owner_idx ON journal_breaks (user_id, started_at);

-- Work, not truth: a voice note waiting to be transcribed (TranscriptionJobs, SKIP LOCKED).
-- Written beside the event that records the note; a rebuild leaves it alone (so no foreign key
-- to audio_assets, which a rebuild empties and fills again: a job whose note is gone is dropped).
CREATE TABLE transcription_jobs (
    audio_id     uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    queued_at    timestamptz NOT NULL DEFAULT now(),
    run_after    timestamptz NOT NULL DEFAULT now(),
    attempts     int NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX transcription_jobs_due_idx ON transcription_jobs (run_after);
