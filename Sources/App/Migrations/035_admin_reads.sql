-- Issue 17, moderation: what the admin pages read, named once in the database so the statements
-- that read it stay whole strings with bound values.

-- A report as the admin pages show it: with its reporter's username and its filing time in UTC.
-- The column order is what `ReportStore.report` reads; ids keep their types, so the filters on
-- them use the table's indexes.
CREATE VIEW report_rows AS
SELECT r.id, r.subject, r.subject_id, r.room_id, r.room_code, r.author_id, r.author_seat, r.author_name, r.excerpt,
       r.reporter_id, u.username AS reporter_username, r.reason, r.details,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS filed_at, r.status,
       r.resolved_name, r.action, r.note
FROM reports r LEFT JOIN users u ON u.id = r.reporter_id;

-- A suspension's end as text seconds since 1970, 'Infinity' for a ban (which a float8 does not
-- carry through every driver), NULL when there is none.
CREATE FUNCTION suspension_epoch(until timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN until = 'infinity' THEN 'Infinity' ELSE extract(epoch FROM until)::text END $$;
