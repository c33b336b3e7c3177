-- Issue 17, moderation: reports of content, rooms closed by the moderators, and each
-- responder's parked polls for the admin dashboard.

-- Someone reports a chat message, a direct message, a profile, a room or a room task. What was
-- reported is copied (`excerpt`, `author_name`), so a report stays readable after the thing is
-- deleted; no foreign key to it for the same reason (rooms go when they expire). The person
-- reported never sees this table; only admins read it.
CREATE TABLE reports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Domain ReportSubject, and the thing's id in its own table.
    subject        text NOT NULL,
    subject_id     text NOT NULL,
    room_id        uuid,
    room_code      text,
    -- Who wrote it: their account (if any) and, in a room, their seat.
    author_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    author_seat    uuid,
    author_name    text NOT NULL,
    excerpt        text NOT NULL,
    reporter_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Domain ReportReason, and what the reporter added.
    reason         text NOT NULL,
    details        text NOT NULL DEFAULT '' CHECK (char_length(details) <= 1000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- Domain ReportStatus; Domain ReportAction for a resolved one.
    status         text NOT NULL DEFAULT 'open',
    resolved_at    timestamptz,
    resolved_by    uuid,
    resolved_name  text,
    action         text,
    note           text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500)
);
-- One open report per reporter and thing: reporting it again changes nothing until it is dealt with.
CREATE UNIQUE INDEX reports_open_once ON reports (reporter_id, subject, subject_id) WHERE status = 'open';
CREATE INDEX reports_subject_idx ON reports (subject, subject_id, status);
CREATE INDEX reports_queue_idx ON reports (status, created_at DESC);
CREATE INDEX reports_author_idx ON reports (author_id);
CREATE INDEX reports_reporter_idx ON reports (reporter_id);
CREATE INDEX reports_room_idx ON reports (room_id) WHERE room_id IS NOT NULL;

-- Direct-message reports (migration 012) join the one queue; message_reports stays the
-- reporter's own record (their data export lists it) and new ones are written to both.
INSERT INTO reports (subject, subject_id, author_id, author_name, excerpt, reporter_id, reason, details, created_at)
SELECT 'direct_message', m.message_id::text, m.sender_id, coalesce(u.username, 'deleted account'), m.body, m.reporter_id,
       'other', left(m.reason, 1000), m.created_at
FROM message_reports m LEFT JOIN users u ON u.id = m.sender_id
ORDER BY m.id;

-- A room the moderators closed: its page says so, and why, to everyone who opens it, until the
-- code is given to a new room. The room itself expires at once and is folded into the daily
-- statistics like any other.
CREATE TABLE room_closures (
    code       text PRIMARY KEY,
    room_id    uuid NOT NULL,
    reason     text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    closed_at  timestamptz NOT NULL DEFAULT now()
);

-- Each responder writes its parked long-polls here every few seconds (the admin dashboard reads
-- it); a responder not heard from for a minute is shown as silent.
CREATE TABLE responder_beats (
    name         text PRIMARY KEY,
    parked_polls integer NOT NULL,
    beat_at      timestamptz NOT NULL DEFAULT now()
);
