import Domain
import Foundation
import Postgres

/// SQL for direct messages: conversations (one per pair), each member's read marker, the
/// messages, the sender's pace and mute, reports, and the two settings people choose.
struct MessageStore {
    let database: PostgresPool

    /// Messages per conversation page, and conversations per page of `/messages`.
    static let pageSize = 50
    static let listPageSize = 30
    /// Unread counts stop here ("99+"), so a long-unread conversation costs a bounded scan.
    static let unreadCap = 100
    /// New messages the live fragment sends at most; past it the script reloads the page.
    static let afterLimit = 100
    /// No cursor: before every id.
    static let newest = Int.max

    /// What a send came to. A refusal found under the sender's lock is returned, not thrown, so
    /// the mute a burst sets is committed with the refusal.
    enum SendResult {
        case sent(id: Int, announcements: [(channel: String, version: Int)])
        case refused(MessageRefusal)
    }

    /// The person called `username` (any case) as `viewerID` sees them: nil for nobody, or an
    /// account whose address was never proven (no public face), like a deleted one.
    func peer(viewer viewerID: String, username: String) throws -> MessagePeer? {
        guard !username.isEmpty, username.utf8.count <= 64 else { return nil }
        return try database.query(
            """
            SELECT u.id::text, u.username, u.display_name, u.message_policy, are_friends($1, u.id), blocked_between($1, u.id),
                   cm.conversation_id, coalesce(cm.last_read_id, 0),
                   (SELECT extract(epoch FROM v.dm_muted_until)::float8 FROM users v WHERE v.id = $1 AND v.dm_muted_until > now())
            FROM users u LEFT JOIN conversation_members cm ON cm.user_id = $1 AND cm.peer_id = u.id
            WHERE lower(u.username) = lower($2) AND u.email_verified_at IS NOT NULL
            """, [viewerID, username]
        ).first.map { row in
            MessagePeer(
                id: row.string(0), username: row.string(1), displayName: row.string(2), policy: MessagePolicy(stored: row.string(3)),
                areFriends: row.bool(4), blocked: row.bool(5), conversationID: row[6].flatMap { Int($0) }, lastReadID: row.int(7),
                viewerMutedUntil: row[8].flatMap { Double($0) })
        }
    }

    /// One page of `userID`'s conversations, newest first, from before the conversation whose
    /// newest message is `before` (keyset on that id). One more than a page, to know if there is more.
    func conversations(of userID: String, before: Int) throws -> [ConversationSummary] {
        try database.query(
            """
            SELECT cm.last_message_id, p.username, p.display_name, coalesce(d.body, ''), coalesce(d.sender_id = $1, false),
                   coalesce(d.deleted_at IS NOT NULL, true), extract(epoch FROM c.last_message_at)::float8,
                   (SELECT count(*) FROM (SELECT 1 FROM direct_messages n
                                          WHERE n.conversation_id = cm.conversation_id AND n.id > cm.last_read_id
                                            AND n.sender_id <> $1 AND n.deleted_at IS NULL LIMIT $3) unread)
            FROM conversation_members cm
            JOIN users p ON p.id = cm.peer_id
            JOIN conversations c ON c.id = cm.conversation_id
            LEFT JOIN direct_messages d ON d.id = c.last_message_id AND d.sent_at = c.last_message_at
            WHERE cm.user_id = $1 AND cm.last_message_id < $2
            ORDER BY cm.last_message_id DESC LIMIT $4
            """, [userID, before, Self.unreadCap, Self.listPageSize + 1]
        ).map { row in
            ConversationSummary(
                lastMessageID: row.int(0), peerUsername: row.string(1), peerDisplayName: row.string(2), preview: row.string(3),
                previewFromMe: row.bool(4), previewDeleted: row.bool(5), at: Double(row.string(6)) ?? 0, unread: row.int(7))
        }
    }

    /// A page of a conversation, newest first, older than `before`: one more than a page.
    func page(conversationID: Int, viewer viewerID: String, before: Int) throws -> [DirectMessage] {
        try database.query(
            """
            SELECT id, sender_id = $2, body, extract(epoch FROM sent_at)::float8, deleted_at IS NOT NULL
            FROM direct_messages WHERE conversation_id = $1 AND id < $3 ORDER BY id DESC LIMIT $4
            """, [conversationID, viewerID, before, Self.pageSize + 1]
        ).map(Self.message)
    }

    /// Messages newer than `after`, oldest first (at most `afterLimit` + 1).
    func after(conversationID: Int, viewer viewerID: String, after: Int) throws -> [DirectMessage] {
        try database.query(
            """
            SELECT id, sender_id = $2, body, extract(epoch FROM sent_at)::float8, deleted_at IS NOT NULL
            FROM direct_messages WHERE conversation_id = $1 AND id > $3 ORDER BY id LIMIT $4
            """, [conversationID, viewerID, after, Self.afterLimit + 1]
        ).map(Self.message)
    }

    /// One message of a conversation (nil when it is not in that conversation).
    func message(_ id: Int, conversationID: Int, viewer viewerID: String) throws -> DirectMessage? {
        try database.query(
            """
            SELECT id, sender_id = $3, body, extract(epoch FROM sent_at)::float8, deleted_at IS NOT NULL
            FROM direct_messages WHERE id = $1 AND conversation_id = $2
            """, [id, conversationID, viewerID]
        ).first.map(Self.message)
    }

    static func message(_ row: PostgresRow) -> DirectMessage {
        DirectMessage(id: row.int(0), fromMe: row.bool(1), body: row.string(2), sentAt: Double(row.string(3)) ?? 0, isDeleted: row.bool(4))
    }

    /// The viewer has seen the conversation up to `upTo`: their marker moves forward (never back)
    /// and the unread "new message" notice from `peerID` is read. One statement; the viewer's
    /// own channel moves only when something changed (their other tabs' counts).
    func markRead(conversationID: Int, viewer viewerID: String, peer peerID: String, upTo: Int) throws -> [(channel: String, version: Int)] {
        try database.query(
            """
            WITH moved AS (
                UPDATE conversation_members SET last_read_id = $3
                WHERE user_id = $1 AND conversation_id = $2 AND last_read_id < $3 RETURNING 1),
            seen AS (
                UPDATE notifications SET read_at = now()
                WHERE user_id = $1 AND kind = $5 AND actor_id = $4 AND read_at IS NULL RETURNING 1)
            SELECT b.id::text, b.live_v FROM bump_live(
                CASE WHEN EXISTS (SELECT 1 FROM moved) OR EXISTS (SELECT 1 FROM seen) THEN ARRAY[$1::uuid] ELSE ARRAY[]::uuid[] END) b
            """, [viewerID, conversationID, upTo, peerID, NotificationKind.directMessage.rawValue]
        ).map { (UserChannel.name($0.string(0)), $0.int(1)) }
    }

    /// Sends `text` from `senderID` to `recipientID` in one transaction: the sender's (and the
    /// recipient's) row is locked first, so their pace is counted exactly whichever responders their requests reach;
    /// then who may write is asked again (a block or unfriending a moment ago counts), the
    /// conversation is found or made, the message stored, both members' sides moved on, the
    /// recipient's notice folded and both channels moved.
    func send(from senderID: String, to recipientID: String, _ text: MessageText) throws -> SendResult {
        try database.transaction { conn in
            // Both people's rows, in id order: the sender's pace is counted under it, and the
            // recipient's row is written later anyway (their channel), so two people writing to
            // each other at once queue instead of deadlocking.
            try conn.query(
                "SELECT 1 FROM users WHERE id = ANY(ARRAY[$1::uuid, $2::uuid]) ORDER BY id FOR NO KEY UPDATE", [senderID, recipientID])
            // A new statement after the lock: it sees every message committed before it.
            guard
                let row = try conn.query(
                    """
                    SELECT extract(epoch FROM s.dm_muted_until)::float8, s.dm_muted_until > now(),
                           (SELECT count(*) FROM direct_messages WHERE sender_id = $1 AND sent_at > now() - interval '60 seconds'),
                           (SELECT count(*) FROM direct_messages WHERE sender_id = $1 AND sent_at > now() - make_interval(secs => $3)),
                           (SELECT extract(epoch FROM now() - min(sent_at))::float8 FROM direct_messages
                            WHERE sender_id = $1 AND sent_at > now() - interval '60 seconds'),
                           r.message_policy, are_friends($1, r.id), blocked_between($1, r.id)
                    FROM users s JOIN users r ON r.id = $2 AND r.email_verified_at IS NOT NULL
                    WHERE s.id = $1
                    """, [senderID, recipientID, MessagePace.burstSeconds]
                ).first
            else { return .refused(.notFound) }
            if row.bool(1), let until = row[0].flatMap({ Double($0) }) {
                return .refused(.muted(until: until, retryAfter: max(1, Int((until - Date().timeIntervalSince1970).rounded(.up)))))
            }
            if row.bool(7) { return .refused(.notAllowed("You cannot send messages to this person.")) }
            if !MessagePolicy(stored: row.string(5)).admits(areFriends: row.bool(6)) {
                return .refused(.notAllowed("This person accepts messages from friends only."))
            }
            switch MessagePace.verdict(lastMinute: row.int(2), lastBurst: row.int(3), oldestAgo: row[4].flatMap { Double($0) } ?? 0) {
            case .send: break
            case .wait(let seconds): return .refused(.tooFast(retryAfter: seconds))
            case .mute:
                let until =
                    Double(
                        try conn.query(
                            """
                            UPDATE users SET dm_muted_until = now() + make_interval(secs => $2) WHERE id = $1
                            RETURNING extract(epoch FROM dm_muted_until)::float8
                            """, [senderID, MessagePace.muteSeconds]
                        ).first?.string(0) ?? "") ?? 0
                return .refused(.muted(until: until, retryAfter: MessagePace.muteSeconds))
            }
            // Locks the pair's row too: two people writing to each other at once make one.
            let conversationID = try conn.query(
                """
                INSERT INTO conversations (user_lo, user_hi) VALUES (least($1::uuid, $2::uuid), greatest($1::uuid, $2::uuid))
                ON CONFLICT (user_lo, user_hi) DO UPDATE SET user_lo = excluded.user_lo RETURNING id
                """, [senderID, recipientID]
            ).first!.int(0)
            let id = try conn.query(
                """
                WITH m AS (
                    INSERT INTO direct_messages (conversation_id, sender_id, body) VALUES ($1, $2, $4) RETURNING id, sent_at),
                c AS (
                    UPDATE conversations SET last_message_id = m.id, last_message_at = m.sent_at FROM m WHERE conversations.id = $1),
                sides AS (
                    INSERT INTO conversation_members AS cm (user_id, conversation_id, peer_id, last_message_id, last_read_id)
                    SELECT x.me, $1, x.them, m.id, CASE WHEN x.me = $2::uuid THEN m.id ELSE 0 END
                    FROM m, (VALUES ($2::uuid, $3::uuid), ($3::uuid, $2::uuid)) AS x (me, them)
                    ON CONFLICT (user_id, conversation_id) DO UPDATE SET last_message_id = excluded.last_message_id,
                        last_read_id = CASE WHEN cm.user_id = $2::uuid THEN excluded.last_message_id ELSE cm.last_read_id END)
                SELECT id FROM m
                """, [conversationID, senderID, recipientID, text.value]
            ).first!.int(0)
            var announcements = try NotificationStore.add(to: recipientID, kind: .directMessage, actor: senderID, on: conn)
            announcements += try UserChannel.bump([senderID], on: conn)
            return .sent(id: id, announcements: announcements)
        }
    }

    /// Erases the text of the viewer's own message `id` in the conversation, keeping its place
    /// ("message deleted"). False when no such message of theirs is there (a 404); deleting one
    /// already deleted changes nothing and is true.
    func delete(
        _ id: Int, conversationID: Int, sender senderID: String, peer peerID: String
    ) throws -> (
        found: Bool, announcements: [(channel: String, version: Int)]
    ) {
        try database.transaction { conn in
            guard
                let row = try conn.query(
                    """
                    WITH gone AS (
                        UPDATE direct_messages SET body = '', deleted_at = now()
                        WHERE id = $1 AND conversation_id = $2 AND sender_id = $3 AND deleted_at IS NULL RETURNING 1)
                    SELECT EXISTS (SELECT 1 FROM gone)
                    FROM direct_messages WHERE id = $1 AND conversation_id = $2 AND sender_id = $3
                    """, [id, conversationID, senderID]
                ).first
            else { return (false, []) }
            return (true, row.bool(0) ? try UserChannel.bump([senderID, peerID], on: conn) : [])
        }
    }

    /// Stores a report of message `id`, received by `reporterID` in the conversation, with a
    /// copy of its text. False when there is no such message they received (deleted ones
    /// included); reporting the same message twice keeps the first report.
    func report(_ id: Int, conversationID: Int, by reporterID: String, reason: String, on conn: PostgresConnection) throws -> Bool {
        try conn.query(
            """
            WITH target AS (
                SELECT id, conversation_id, sender_id, body FROM direct_messages
                WHERE id = $1 AND conversation_id = $2 AND sender_id <> $3 AND deleted_at IS NULL),
            stored AS (
                INSERT INTO message_reports (reporter_id, message_id, conversation_id, sender_id, body, reason)
                SELECT $3, id, conversation_id, sender_id, body, $4 FROM target
                ON CONFLICT (reporter_id, message_id) DO NOTHING)
            SELECT 1 FROM target
            """, [id, conversationID, reporterID, reason]
        ).first != nil
    }

    /// A moderator's removal of a reported message (issue 17): erased like its sender's own
    /// delete ("message deleted" stays); its text, or nil when it was gone already.
    static func removeByModerator(_ id: Int, on conn: PostgresConnection) throws -> String? {
        try conn.query(
            """
            UPDATE direct_messages d SET body = '', deleted_at = now()
            FROM (SELECT id, body FROM direct_messages WHERE id = $1 AND deleted_at IS NULL FOR UPDATE) old
            WHERE d.id = old.id RETURNING old.body
            """, [id]
        ).first?.string(0)
    }

    /// Who may message `userID`, and whether they appear offline to friends.
    func settings(of userID: String) throws -> (policy: MessagePolicy, appearOffline: Bool) {
        let row = try database.query("SELECT message_policy, appear_offline FROM users WHERE id = $1", [userID]).first
        return (MessagePolicy(stored: row?.string(0) ?? ""), row?.bool(1) ?? false)
    }

    func saveSettings(of userID: String, policy: MessagePolicy, appearOffline: Bool) throws {
        try database.query(
            "UPDATE users SET message_policy = $2, appear_offline = $3 WHERE id = $1", [userID, policy.rawValue, appearOffline])
    }
}
