import Postgres

/// "Download my data": everything stored about the account, as JSON built by PostgreSQL
/// (json_build_object escapes all text), without password or token hashes.
enum AccountExport {
    /// `audioBase`: the site's address, which the journal's voice-note links start with.
    static func json(_ account: Account, audioBase: String, database: PostgresPool) throws -> [UInt8] {
        let text =
            try database.query(
                """
                SELECT json_build_object(
                  'user', (SELECT json_build_object('id', id, 'email', email, 'email_verified', email_verified_at IS NOT NULL,
                             'username', username, 'display_name', display_name, 'bio', bio, 'social_links', social_links,
                             'show_recent_rooms', show_recent_rooms, 'has_avatar', avatar_file IS NOT NULL, 'theme', theme,
                             'sound_on', sound_on, 'timezone', timezone, 'role', role, 'created_at', created_at)
                           FROM users WHERE id = $1),
                  'sessions', coalesce((SELECT json_agg(json_build_object('id', public_id, 'user_agent', user_agent,
                             'signed_in_at', signed_in_at, 'last_seen_at', last_seen_at, 'expires_at', expires_at))
                           FROM sessions WHERE user_id = $1), '[]'::json),
                  'oauth_identities', coalesce((SELECT json_agg(json_build_object('provider', provider, 'subject', subject,
                             'email', email, 'linked_at', created_at)) FROM oauth_identities WHERE user_id = $1), '[]'::json),
                  'rooms', coalesce((SELECT json_agg(json_build_object('code', r.code, 'display_name', p.display_name, 'role', p.role,
                             'joined_at', p.joined_at, 'last_seen_at', p.last_seen_at))
                           FROM participants p JOIN rooms r ON r.id = p.room_id WHERE p.user_id = $1), '[]'::json),
                  'tasks', coalesce((SELECT json_agg(json_build_object('room', r.code, 'text', t.text, 'visibility', t.visibility,
                             'done', t.done, 'created_at', t.created_at))
                           FROM tasks t JOIN participants p ON p.id = t.participant_id JOIN rooms r ON r.id = t.room_id
                           WHERE p.user_id = $1), '[]'::json),
                  'private_task_lists', coalesce((SELECT json_agg(json_build_object('id', id, 'name', name, 'created_at', created_at)
                             ORDER BY position, created_at) FROM private_task_lists WHERE user_id = $1), '[]'::json),
                  'private_tasks', coalesce((SELECT json_agg(json_build_object('id', t.id, 'list', l.name, 'list_id', t.list_id,
                             'title', t.title, 'notes', t.notes, 'due_on', t.due_on, 'done', t.done, 'done_at', t.done_at,
                             'position', t.position, 'created_at', t.created_at, 'updated_at', t.updated_at)
                             ORDER BY l.position, t.done, t.position, t.created_at)
                           FROM private_tasks t JOIN private_task_lists l ON l.id = t.list_id WHERE t.user_id = $1), '[]'::json),
                  'messages', coalesce((SELECT json_agg(json_build_object('room', r.code, 'text', m.text, 'created_at', m.created_at))
                           FROM messages m JOIN participants p ON p.id = m.participant_id JOIN rooms r ON r.id = m.room_id
                           WHERE p.user_id = $1), '[]'::json),
                  'conversations', coalesce((SELECT json_agg(json_build_object('with', p.username, 'last_read_id', cm.last_read_id,
                             'last_message_id', cm.last_message_id) ORDER BY cm.last_message_id DESC)
                           FROM conversation_members cm JOIN users p ON p.id = cm.peer_id WHERE cm.user_id = $1), '[]'::json),
                  'direct_messages', coalesce((SELECT json_agg(json_build_object('id', d.id, 'with', p.username,
                             'from_me', d.sender_id = $1, 'text', d.body, 'sent_at', d.sent_at, 'deleted_at', d.deleted_at) ORDER BY d.id)
                           FROM conversation_members cm JOIN users p ON p.id = cm.peer_id
                           JOIN direct_messages d ON d.conversation_id = cm.conversation_id WHERE cm.user_id = $1), '[]'::json),
                  'message_reports', coalesce((SELECT json_agg(json_build_object('message_id', message_id, 'reason', reason,
                             'created_at', created_at) ORDER BY id) FROM message_reports WHERE reporter_id = $1), '[]'::json),
                  'focus_stats', (SELECT to_json(s) FROM user_stats s WHERE s.user_id = $1),
                  'focus_credits', coalesce((SELECT json_agg(json_build_object('source', source, 'room_id', room_id,
                             'started_at', started_at, 'ended_at', ended_at, 'seconds', seconds, 'local_day', local_day,
                             'time_zone', time_zone, 'completed', completed, 'people_present', people_present, 'hosted', hosted)
                             ORDER BY ended_at) FROM focus_credits WHERE user_id = $1), '[]'::json),
                  'achievements', coalesce((SELECT json_agg(json_build_object('achievement', achievement, 'earned_at', earned_at,
                             'seen_at', seen_at) ORDER BY earned_at, achievement) FROM user_achievements WHERE user_id = $1), '[]'::json),
                  'vault', json_build_object('show_quotes', (SELECT vault_quotes_shown FROM users WHERE id = $1),
                             'quotes', coalesce((SELECT json_agg(json_build_object('text', body, 'source', source, 'tags', tags,
                             'favourite', favourite, 'created_at', created_at, 'updated_at', updated_at) ORDER BY id)
                           FROM vault_quotes WHERE user_id = $1), '[]'::json)),
                  'favorite_rooms', coalesce((SELECT json_agg(json_build_object('room', room_code, 'queue', queue, 'theme', theme,
                             'starred_at', starred_at) ORDER BY starred_at, id) FROM favorite_rooms WHERE user_id = $1), '[]'::json),
                  'notifications', coalesce((SELECT json_agg(json_build_object('kind', n.kind, 'from', u.username, 'subject', n.subject,
                             'count', n.count, 'created_at', n.created_at, 'read_at', n.read_at) ORDER BY n.id)
                           FROM notifications n LEFT JOIN users u ON u.id = n.actor_id WHERE n.user_id = $1), '[]'::json),
                  'friends', coalesce((SELECT json_agg(json_build_object('username', u.username, 'since', f.since) ORDER BY f.friend_key)
                           FROM friendships f JOIN users u ON u.id = f.friend_id WHERE f.user_id = $1), '[]'::json),
                  'friend_requests', coalesce((SELECT json_agg(json_build_object(
                             'direction', CASE WHEN r.from_id = $1 THEN 'sent' ELSE 'received' END,
                             'username', u.username, 'status', r.status, 'created_at', r.created_at, 'decided_at', r.decided_at)
                             ORDER BY r.created_at, r.id)
                           FROM friend_requests r JOIN users u ON u.id = CASE WHEN r.from_id = $1 THEN r.to_id ELSE r.from_id END
                           WHERE r.from_id = $1 OR r.to_id = $1), '[]'::json),
                  'blocks', coalesce((SELECT json_agg(json_build_object('username', u.username, 'blocked_at', b.created_at)
                             ORDER BY b.created_at) FROM user_blocks b JOIN users u ON u.id = b.blocked_id WHERE b.blocker_id = $1), '[]'::json),
                  'playlists', coalesce((SELECT json_agg(json_build_object('name', p.name, 'created_at', p.created_at,
                             'updated_at', p.updated_at, 'tracks', coalesce((SELECT json_agg(json_build_object('title', t.title,
                             'artist', t.artist, 'album', t.album, 'source', t.source, 'piped_id', t.piped_id,
                             'duration_seconds', t.duration_seconds, 'added_at', pt.added_at) ORDER BY pt.ord, pt.added_at)
                           FROM playlist_tracks pt JOIN tracks t ON t.id = pt.track_id WHERE pt.playlist_id = p.id), '[]'::json))
                             ORDER BY p.created_at, p.id) FROM playlists p WHERE p.user_id = $1), '[]'::json),
                  'liked_songs', coalesce((SELECT json_agg(json_build_object('title', t.title, 'artist', t.artist, 'album', t.album,
                             'source', t.source, 'piped_id', t.piped_id, 'duration_seconds', t.duration_seconds, 'liked_at', l.created_at)
                             ORDER BY l.created_at DESC, l.track_id)
                           FROM liked_tracks l JOIN tracks t ON t.id = l.track_id WHERE l.user_id = $1), '[]'::json),
                  'boards', $2::json,
                  'journal', $3::json
                )::text
                """,
                [
                    account.id, try BoardExport.json(userID: account.id, database: database),
                    try JournalExport.json(userID: account.id, audioBase: audioBase, database: database),
                ]
            ).first?.string(0) ?? "{}"
        return Array(text.utf8)
    }
}
