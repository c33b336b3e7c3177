-- Issue 17, moderation: the admins' audit log and an account's standing (suspended or banned).

-- Every admin action, appended in the transaction that does it. No foreign keys: the trail
-- outlives the accounts, rooms and tracks it names (a key's ON DELETE action would be an UPDATE
-- or DELETE here, which this table refuses), so names are copied as they were.
CREATE TABLE admin_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     uuid NOT NULL,
    actor_name   text NOT NULL,
    -- Domain AuditAction.
    action       text NOT NULL,
    -- Domain AuditTarget.Kind, the target's id in its own table, and its name at the time.
    target_kind  text NOT NULL,
    target_id    text NOT NULL,
    target_label text NOT NULL DEFAULT '',
    reason       text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 500),
    before       text,
    after        text
);
CREATE INDEX admin_audit_at_idx ON admin_audit (id DESC);
CREATE INDEX admin_audit_target_idx ON admin_audit (target_kind, target_id, id DESC);
CREATE INDEX admin_audit_actor_idx ON admin_audit (actor_id, id DESC);

-- No UPDATE, DELETE or TRUNCATE for anyone, whatever their privileges.
CREATE FUNCTION admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the admin audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only();
CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit
    FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_append_only();

-- Append-only for the role the app connects as. That role owns its tables (it runs these
-- migrations), and an owner's privileges can be revoked from itself: UPDATE, DELETE and
-- TRUNCATE go, INSERT and SELECT stay. An owner could grant them back, so the triggers above
-- refuse the same whatever the privileges (as journal_events does, migration 023); only a
-- superuser could still switch them off.
REVOKE ALL ON admin_audit FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON admin_audit FROM CURRENT_USER;
GRANT INSERT, SELECT ON admin_audit TO CURRENT_USER;

-- A suspension ends at a time; a ban is 'infinity'. Sign-in by any way (password, mailed link,
-- OAuth) is refused while it lasts, and a suspension ends the account's sessions.
ALTER TABLE users ADD COLUMN suspended_until timestamptz;
ALTER TABLE users ADD COLUMN suspension_reason text NOT NULL DEFAULT '' CHECK (char_length(suspension_reason) <= 500);
