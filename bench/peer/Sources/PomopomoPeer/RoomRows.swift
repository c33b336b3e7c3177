import Domain
import Foundation
import PostgresNIO

/// One room as read for one page view: the same rows the app's `RoomStore.snapshot` reads, with the
/// same seven statements on one connection, decoded into plain values. The peer reads them on every
/// view (no cache), as a first Hummingbird version of the page would.
struct RoomRows: Sendable {
    struct Member: Sendable {
        let id: String
        let name: String
        let role: ParticipantRole
        let idleSeconds: Double
        let hasAccount: Bool
        let isDJ: Bool
        /// The viewer's own seat: its session hash is sha256 of the viewer's cookie.
        let isViewer: Bool
    }

    struct Segment: Sendable {
        let id: String
        let position: Int
        let kind: SegmentKind
        let label: String?
        let durationSec: Int
        let publicTask: String?

        var name: String { label ?? kind.label }
        var title: String { "\(name) · \(SegmentDuration.text(durationSec))" }
    }

    struct Task: Sendable {
        let id: String
        let participantID: String
        let segmentID: String?
        let text: String
        let isPublic: Bool
        let done: Bool
    }

    struct Proposal: Sendable {
        let id: String
        let author: String
        let status: ProposalStatus
        let reason: String?
        let summary: String
    }

    struct Message: Sendable {
        let id: Int
        let participantID: String?
        let author: String
        let text: String
        let isShadowHidden: Bool
        let at: String
    }

    struct Track: Sendable {
        let entryID: String
        let status: String
        let title: String
        let artist: String
        let durationSeconds: Int
        let addedBy: String
    }

    let id: String
    let code: RoomCode
    let theme: String
    let status: RoomStatus
    let version: Int
    let currentIndex: Int
    let msToEnd: Double?
    let pausedRemainingMs: Int?
    let slowMode: Bool
    let soundPlaying: Bool
    let soundEntryID: String?
    let soundPositionMs: Int
    let soundStamp: String
    let soundMode: SoundtrackMode
    let soundProposals: Bool
    let members: [Member]
    let segments: [Segment]
    let tasks: [Task]
    let proposals: [Proposal]
    let messages: [Message]
    let removedSessions: Int
    let tracks: [Track]

    /// The live room with this code, read for the viewer whose `pp_sid` cookie is `cookie`; nil when
    /// there is none.
    static func load(_ code: RoomCode, cookie: String, client: PostgresClient) async throws -> RoomRows? {
        try await client.withConnection { conn in
            let head = try await conn.query(
                """
                SELECT r.id::text, r.code, r.theme, r.status, r.version, r.current_segment_index,
                       (extract(epoch FROM r.segment_ends_at - now()) * 1000)::float8, r.paused_remaining_ms, r.slow_mode,
                       r.sound_playing, r.sound_entry_id::text, r.sound_position_ms,
                       (extract(epoch FROM r.sound_updated_at) * 1000000)::bigint, r.sound_mode, r.sound_proposals,
                       p.id::text, p.display_name, p.role, extract(epoch FROM now() - p.last_seen_at)::float8,
                       p.user_id IS NOT NULL, p.is_dj, p.session_hash = sha256(convert_to(\(cookie), 'UTF8'))
                FROM rooms r LEFT JOIN participants p ON p.room_id = r.id
                WHERE r.code = \(code.value) AND r.expires_at > now()
                ORDER BY p.role = 'host' DESC, p.joined_at, p.id
                """, logger: PeerApp.logger
            ).collect()
            guard let first = head.first?.makeRandomAccess() else { return nil }
            let roomID = try first[0].decode(String.self)
            var members: [Member] = []
            for row in head {
                let r = row.makeRandomAccess()
                guard let id = try r[15].decode(String?.self) else { continue }
                members.append(
                    Member(
                        id: id, name: try r[16].decode(String.self), role: ParticipantRole(stored: try r[17].decode(String.self)),
                        idleSeconds: try r[18].decode(Double.self), hasAccount: try r[19].decode(Bool.self),
                        isDJ: try r[20].decode(Bool.self), isViewer: try r[21].decode(Bool?.self) ?? false))
            }
            var segments: [Segment] = []
            for try await (id, position, kind, label, duration, task) in try await conn.query(
                """
                SELECT id::text, position, kind, label, duration_sec, public_task FROM segments WHERE room_id = \(roomID)::uuid ORDER BY position
                """, logger: PeerApp.logger
            ).decode((String, Int, String, String?, Int, String?).self) {
                segments.append(
                    Segment(
                        id: id, position: position, kind: SegmentKind(rawValue: kind) ?? .custom, label: label, durationSec: duration,
                        publicTask: task))
            }
            var tasks: [Task] = []
            for try await (id, participant, segment, text, isPublic, done) in try await conn.query(
                """
                SELECT id::text, participant_id::text, segment_id::text, text, visibility = 'public', done FROM tasks
                WHERE room_id = \(roomID)::uuid ORDER BY created_at, id
                """, logger: PeerApp.logger
            ).decode((String, String, String?, String, Bool, Bool).self) {
                tasks.append(Task(id: id, participantID: participant, segmentID: segment, text: text, isPublic: isPublic, done: done))
            }
            var proposals: [Proposal] = []
            for try await (id, author, status, reason, summary) in try await conn.query(
                """
                SELECT id::text, author_name, status, reason, payload->>'summary' FROM proposals
                WHERE room_id = \(roomID)::uuid AND (status = 'pending' OR decided_at > now() - interval '1 day')
                ORDER BY created_at DESC, id LIMIT 50
                """, logger: PeerApp.logger
            ).decode((String, String, String, String?, String?).self) {
                proposals.append(Proposal(id: id, author: author, status: ProposalStatus(stored: status), reason: reason, summary: summary ?? ""))
            }
            var messages: [Message] = []
            for try await (id, participant, author, text, hidden, at) in try await conn.query(
                """
                SELECT id, participant_id::text, author_name, text, is_shadow_hidden,
                       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                FROM (
                    (SELECT * FROM messages WHERE room_id = \(roomID)::uuid AND NOT is_shadow_hidden ORDER BY id DESC LIMIT \(messageWindow))
                    UNION ALL
                    (SELECT * FROM messages WHERE room_id = \(roomID)::uuid AND is_shadow_hidden ORDER BY id DESC LIMIT \(messageWindow))) m
                ORDER BY id
                """, logger: PeerApp.logger
            ).decode((Int, String?, String, String, Bool, String).self) {
                messages.append(Message(id: id, participantID: participant, author: author, text: text, isShadowHidden: hidden, at: at))
            }
            // Whom the host removed: read like the app does; this page does not refuse anyone (no sessions here).
            let removed = try await conn.query(
                "SELECT session_hash, user_id::text FROM room_sanctions WHERE room_id = \(roomID)::uuid AND kind = 'removal'",
                logger: PeerApp.logger
            ).collect().count
            var tracks: [Track] = []
            for try await (entry, status, title, artist, seconds, addedBy) in try await conn.query(
                """
                SELECT q.id::text, q.status, t.title, t.artist, t.duration_seconds, q.added_by_name
                FROM (SELECT q.*, row_number() OVER (PARTITION BY q.status
                                      ORDER BY CASE WHEN q.status = 'played' THEN -q.ord ELSE q.ord END, q.added_at, q.id) AS n
                      FROM room_queue q WHERE q.room_id = \(roomID)::uuid) q
                JOIN tracks t ON t.id = q.track_id
                WHERE (q.status = 'played' AND q.n <= \(SoundtrackLimits.historyShown))
                   OR (q.status = 'up_next' AND q.n <= \(SoundtrackLimits.upNextShown + 1))
                   OR (q.status = 'proposed' AND q.n <= \(SoundtrackLimits.proposalsShown))
                ORDER BY q.status, q.n
                """, logger: PeerApp.logger
            ).decode((String, String, String, String, Int?, String).self) {
                tracks.append(Track(entryID: entry, status: status, title: title, artist: artist, durationSeconds: seconds ?? 0, addedBy: addedBy))
            }
            return RoomRows(
                id: roomID, code: RoomCode(parsing: try first[1].decode(String.self)) ?? code, theme: try first[2].decode(String.self),
                status: RoomStatus(stored: try first[3].decode(String.self)), version: try first[4].decode(Int.self),
                currentIndex: try first[5].decode(Int.self), msToEnd: try first[6].decode(Double?.self),
                pausedRemainingMs: try first[7].decode(Int?.self), slowMode: try first[8].decode(Bool.self),
                soundPlaying: try first[9].decode(Bool.self), soundEntryID: try first[10].decode(String?.self),
                soundPositionMs: try first[11].decode(Int.self), soundStamp: String(try first[12].decode(Int?.self) ?? 0),
                soundMode: SoundtrackMode(stored: try first[13].decode(String.self)), soundProposals: try first[14].decode(Bool.self),
                members: members, segments: segments, tasks: tasks, proposals: proposals.reversed(), messages: messages,
                removedSessions: removed, tracks: tracks)
        }
    }

    /// The newest messages a page carries (the app's `RoomStore.messageWindow`).
    static let messageWindow = 100

    var viewer: Member? { members.first(where: \.isViewer) }

    /// The segment at `position`: over, playing now, or still to come (the app's `RoomSnapshot.segmentState`).
    func segmentState(_ position: Int) -> String {
        if status == .ended { return position <= currentIndex ? "done" : "upcoming" }
        if position < currentIndex { return "done" }
        if position == currentIndex && (status == .running || status == .paused) { return "current" }
        return "upcoming"
    }
}
