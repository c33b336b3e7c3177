-- The room soundtrack and the music library (issue 16, seed 001). Seed → here:
--   Track         → tracks (a Piped/YouTube video, or a file of the self-hosted library)
--   RoomQueue     → room_queue (status replaces isPlayed: proposed, up_next, played)
--   Room.isPlaying, currentTrackId, position, updatedAt → rooms.sound_* (currentTrackId names the
--                   queue entry, so the same track queued twice is two entries)
--   RoomMember    → participants (joined_at; user_id for accounts since migration 011), plus is_dj
--   Playlist, PlaylistTrack, LikedTrack → playlists, playlist_tracks, liked_tracks
-- The Redis keys of the seed's cache table are in Domain CatalogueCacheKey.
CREATE TABLE tracks (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Domain TrackSource: piped or library.
    source           text NOT NULL,
    -- A YouTube video id (Domain PipedID) for a catalogue track.
    piped_id         text UNIQUE CHECK (piped_id ~ '^[A-Za-z0-9_-]{11}$'),
    -- A library track's file name inside POMOPOMO_UPLOADS/library (random, never typed), its type
    -- sniffed from the bytes, and its size.
    file             text UNIQUE CHECK (file ~ '^[a-z0-9_-]+\.[a-z0-9]+$'),
    mime             text,
    bytes            bigint CHECK (bytes > 0),
    title            text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    artist           text NOT NULL DEFAULT '' CHECK (char_length(artist) <= 200),
    album            text CHECK (char_length(album) <= 200),
    -- https only (CatalogueTrack checks it); shown as an <img> from the Piped proxy.
    thumbnail_url    text CHECK (char_length(thumbnail_url) <= 500),
    duration_seconds int NOT NULL CHECK (duration_seconds BETWEEN 0 AND 86400),
    uploaded_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((source = 'piped') = (piped_id IS NOT NULL)),
    CHECK ((source = 'library') = (file IS NOT NULL))
);
CREATE INDEX tracks_library_idx ON tracks (created_at) WHERE source = 'library';

CREATE TABLE room_queue (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id        uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    track_id       uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    -- Order among the room's entries of the same status (up next: play order; played: history).
    ord            int NOT NULL,
    -- Domain QueueEntryStatus: proposed (a guest's, waiting for the host or a DJ), up_next, played.
    status         text NOT NULL,
    -- Who added it: the seat (guests have no account), the account if any, and the name then.
    added_by_participant uuid REFERENCES participants (id) ON DELETE SET NULL,
    added_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    added_by_name  text NOT NULL CHECK (char_length(added_by_name) BETWEEN 1 AND 40),
    added_at       timestamptz NOT NULL DEFAULT now(),
    played_at      timestamptz
);
CREATE INDEX room_queue_room_idx ON room_queue (room_id, status, ord);

-- Playback, on the server: the position is sound_position_ms + (now - sound_updated_at) while
-- playing (Domain Playback), never ticked. sound_ends_at is when the current entry ends if it keeps
-- playing: the sweeper's index. soundtrack_v is the part version long-polls carry (RoomPart).
ALTER TABLE rooms
    ADD COLUMN sound_playing     boolean NOT NULL DEFAULT false,
    ADD COLUMN sound_entry_id    uuid REFERENCES room_queue (id) ON DELETE SET NULL,
    ADD COLUMN sound_position_ms bigint NOT NULL DEFAULT 0 CHECK (sound_position_ms >= 0),
    ADD COLUMN sound_updated_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN sound_ends_at     timestamptz,
    -- Domain SoundtrackMode: always, breaks (music in breaks only), quieter (quieter during focus).
    ADD COLUMN sound_mode        text NOT NULL DEFAULT 'always',
    -- Whether guests may propose tracks (the host's choice, like segment proposals).
    ADD COLUMN sound_proposals   boolean NOT NULL DEFAULT true,
    ADD COLUMN soundtrack_v      bigint NOT NULL DEFAULT 0;
CREATE INDEX rooms_sound_due_idx ON rooms (sound_ends_at) WHERE sound_playing;

-- A participant the host made DJ: may add, reorder, remove, play, pause, seek and skip.
ALTER TABLE participants ADD COLUMN is_dj boolean NOT NULL DEFAULT false;

CREATE TABLE playlists (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX playlists_owner_idx ON playlists (user_id, created_at);

CREATE TABLE playlist_tracks (
    playlist_id uuid NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    track_id    uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    ord         int NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (playlist_id, track_id)
);
CREATE INDEX playlist_tracks_order_idx ON playlist_tracks (playlist_id, ord);

-- The seed's LikedTrack: unique per account and track.
CREATE TABLE liked_tracks (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    track_id   uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, track_id)
);
CREATE INDEX liked_tracks_recent_idx ON liked_tracks (user_id, created_at);
