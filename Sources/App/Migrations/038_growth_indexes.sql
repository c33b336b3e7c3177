-- Issue 18, growth: lookups that were full scans once there are many rooms.

-- The presence sweeps (RoomStore.announceNewlyAway and handOverFromAbsentHosts) run every 5 s in
-- every responder and find participants by last_seen_at. Without this index each was a full scan of
-- participants: at 100,000 live rooms (300,000 participants) about 80 ms of CPU a run, twice every
-- 5 s per responder; with it, well under a millisecond.
CREATE INDEX participants_last_seen_idx ON participants (last_seen_at);

-- Deleting a room (clean-rooms) sets or deletes what points at it and at its participants and
-- queue entries, one lookup per deleted row. These three references had no index of their own, so
-- each lookup scanned the whole table: clean-rooms grew with rooms x favorites, participants x queue
-- entries and queue entries x rooms.
CREATE INDEX favorite_rooms_room_idx ON favorite_rooms (room_id) WHERE room_id IS NOT NULL;
CREATE INDEX room_queue_added_by_participant_idx ON room_queue (added_by_participant) WHERE added_by_participant IS NOT NULL;
CREATE INDEX rooms_sound_entry_idx ON rooms (sound_entry_id) WHERE sound_entry_id IS NOT NULL;
