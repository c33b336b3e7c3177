-- Issue 18, clean-rooms: what points at a room, a participant or a segment is kept by triggers
-- that act once per statement, not by foreign keys.
--
-- A foreign key's action runs once per deleted row, as a statement of its own, even when it finds
-- nothing. Cleaning 500 expired rooms made about 15,500 such calls: nine per room, four per
-- participant (tasks, proposals, messages, queue entries) and one per segment (tasks). That was
-- most of the clean's time (100,000 rooms: 3.1 million calls). The triggers below do the same for
-- all the rows a statement deleted at once: deleting a batch of rooms is one statement per table.
-- What the foreign keys did, these do:
--   * a new or changed reference must name an existing row, which stays locked (FOR KEY SHARE)
--     until the transaction ends, so nobody deletes it under the reference; else SQLSTATE 23503
--     naming the old constraint;
--   * deleting rooms deletes their participants, segments, tasks, proposals, messages, focus
--     completions, sanctions and queue entries, and clears them from favorites; deleting
--     participants deletes their tasks and clears them from proposals, messages and queue entries;
--     deleting segments clears them from tasks;
--   * the id of a room, a participant or a segment cannot change (no code changes ids).
-- A backup restores the rows before it creates these triggers (pg_dump puts triggers after the data).

ALTER TABLE participants DROP CONSTRAINT participants_room_id_fkey;
ALTER TABLE segments DROP CONSTRAINT segments_room_id_fkey;
ALTER TABLE tasks DROP CONSTRAINT tasks_room_id_fkey, DROP CONSTRAINT tasks_participant_id_fkey,
    DROP CONSTRAINT tasks_segment_id_fkey;
ALTER TABLE proposals DROP CONSTRAINT proposals_room_id_fkey, DROP CONSTRAINT proposals_participant_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_room_id_fkey, DROP CONSTRAINT messages_participant_id_fkey;
ALTER TABLE focus_completions DROP CONSTRAINT focus_completions_room_id_fkey;
ALTER TABLE room_sanctions DROP CONSTRAINT room_sanctions_room_id_fkey;
ALTER TABLE favorite_rooms DROP CONSTRAINT favorite_rooms_room_id_fkey;
ALTER TABLE room_queue DROP CONSTRAINT room_queue_room_id_fkey, DROP CONSTRAINT room_queue_added_by_participant_fkey;

-- The error a foreign key raised for a reference to a missing row.
CREATE FUNCTION reference_missing(tbl text, con text, col text, ref uuid, parent text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', tbl, con
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = con, TABLE = tbl,
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".', col, ref, parent);
END $$;

-- One check for every reference: TG_ARGV is the old constraint's name and the referencing column,
-- which names the table it points at (room_id: rooms; participant_id, added_by_participant:
-- participants; segment_id: segments). A NULL reference is not checked, as with a foreign key.
-- An insert (the common case: every chat message) reads its column directly; only the branch for
-- this table's column runs, so no other column is looked up. An update compares through to_jsonb.
CREATE FUNCTION reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    con text := TG_ARGV[0];
    col text := TG_ARGV[1];
    ref uuid;
    parent text;
BEGIN
    IF TG_OP = 'UPDATE' AND to_jsonb(NEW) -> col IS NOT DISTINCT FROM to_jsonb(OLD) -> col THEN
        RETURN NULL;
    END IF;
    CASE col
        WHEN 'room_id' THEN
            ref := NEW.room_id;
            parent := 'rooms';
            PERFORM 1 FROM rooms WHERE id = ref FOR KEY SHARE;
        WHEN 'participant_id' THEN
            ref := NEW.participant_id;
            parent := 'participants';
            PERFORM 1 FROM participants WHERE id = ref FOR KEY SHARE;
        WHEN 'added_by_participant' THEN
            ref := NEW.added_by_participant;
            parent := 'participants';
            PERFORM 1 FROM participants WHERE id = ref FOR KEY SHARE;
        ELSE
            ref := NEW.segment_id;
            parent := 'segments';
            PERFORM 1 FROM segments WHERE id = ref FOR KEY SHARE;
    END CASE;
    IF ref IS NOT NULL AND NOT FOUND THEN
        PERFORM reference_missing(TG_TABLE_NAME, con, col, ref, parent);
    END IF;
    RETURN NULL;
END $$;
-- Each table's trigger carries the name of the foreign key it replaces (<table>_room_id_fkey).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['participants', 'segments', 'tasks', 'proposals', 'messages', 'focus_completions',
                             'room_sanctions', 'room_queue'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OF room_id ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION reference_check(%L, ''room_id'')',
                       t || '_room_id_fkey', t, t || '_room_id_fkey');
    END LOOP;
END $$;
CREATE TRIGGER favorite_rooms_room_id_fkey AFTER INSERT OR UPDATE OF room_id ON favorite_rooms
    FOR EACH ROW WHEN (NEW.room_id IS NOT NULL)
    EXECUTE FUNCTION reference_check('favorite_rooms_room_id_fkey', 'room_id');

-- Deepest first: what points at participants before them (so participants_deleted below finds
-- nothing left to clear), tasks before segments.
CREATE FUNCTION rooms_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[] := ARRAY(SELECT id FROM gone);
BEGIN
    DELETE FROM tasks WHERE room_id = ANY (ids);
    DELETE FROM proposals WHERE room_id = ANY (ids);
    DELETE FROM messages WHERE room_id = ANY (ids);
    DELETE FROM room_queue WHERE room_id = ANY (ids);
    DELETE FROM participants WHERE room_id = ANY (ids);
    DELETE FROM segments WHERE room_id = ANY (ids);
    DELETE FROM focus_completions WHERE room_id = ANY (ids);
    DELETE FROM room_sanctions WHERE room_id = ANY (ids);
    UPDATE favorite_rooms SET room_id = NULL WHERE room_id = ANY (ids);
    RETURN NULL;
END $$;
CREATE TRIGGER rooms_deleted AFTER DELETE ON rooms
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION rooms_deleted();

CREATE TRIGGER tasks_participant_id_fkey AFTER INSERT OR UPDATE OF participant_id ON tasks
    FOR EACH ROW WHEN (NEW.participant_id IS NOT NULL)
    EXECUTE FUNCTION reference_check('tasks_participant_id_fkey', 'participant_id');
CREATE TRIGGER proposals_participant_id_fkey AFTER INSERT OR UPDATE OF participant_id ON proposals
    FOR EACH ROW WHEN (NEW.participant_id IS NOT NULL)
    EXECUTE FUNCTION reference_check('proposals_participant_id_fkey', 'participant_id');
CREATE TRIGGER messages_participant_id_fkey AFTER INSERT OR UPDATE OF participant_id ON messages
    FOR EACH ROW WHEN (NEW.participant_id IS NOT NULL)
    EXECUTE FUNCTION reference_check('messages_participant_id_fkey', 'participant_id');

CREATE TRIGGER room_queue_added_by_participant_fkey AFTER INSERT OR UPDATE OF added_by_participant ON room_queue
    FOR EACH ROW WHEN (NEW.added_by_participant IS NOT NULL)
    EXECUTE FUNCTION reference_check('room_queue_added_by_participant_fkey', 'added_by_participant');

CREATE TRIGGER tasks_segment_id_fkey AFTER INSERT OR UPDATE OF segment_id ON tasks
    FOR EACH ROW WHEN (NEW.segment_id IS NOT NULL)
    EXECUTE FUNCTION reference_check('tasks_segment_id_fkey', 'segment_id');

-- `= ANY (ARRAY(...))` keeps each an index lookup per deleted id, however many rows the statement
-- deleted.
CREATE FUNCTION participants_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[] := ARRAY(SELECT id FROM gone);
BEGIN
    DELETE FROM tasks WHERE participant_id = ANY (ids);
    UPDATE proposals SET participant_id = NULL WHERE participant_id = ANY (ids);
    UPDATE messages SET participant_id = NULL WHERE participant_id = ANY (ids);
    UPDATE room_queue SET added_by_participant = NULL WHERE added_by_participant = ANY (ids);
    RETURN NULL;
END $$;
CREATE TRIGGER participants_deleted AFTER DELETE ON participants
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION participants_deleted();

CREATE FUNCTION segments_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks SET segment_id = NULL WHERE segment_id = ANY (ARRAY(SELECT id FROM gone));
    RETURN NULL;
END $$;
CREATE TRIGGER segments_deleted AFTER DELETE ON segments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION segments_deleted();

-- The id of a room, a participant or a segment never changes (no code changes one): refused outright,
-- where a foreign key refused it only while something pointed at the row, so nothing is left pointing
-- at an id that is gone.
CREATE FUNCTION id_never_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'update on table "%" changes an id other rows point at', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
              DETAIL = format('Key (id)=(%s) cannot change.', OLD.id);
END $$;
CREATE TRIGGER rooms_id_never_changes BEFORE UPDATE OF id ON rooms
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER participants_id_never_changes BEFORE UPDATE OF id ON participants
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER segments_id_never_changes BEFORE UPDATE OF id ON segments
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION id_never_changes();
