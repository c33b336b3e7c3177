-- Big rooms (issue 9): the host can put chat in slow mode (one message per participant every
-- few seconds); it is also on by itself while many people are online (ChatStore.slowModeAt).
ALTER TABLE rooms ADD COLUMN slow_mode boolean NOT NULL DEFAULT false;
