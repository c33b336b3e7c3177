import Domain
import Foundation
import Postgres

/// Guests' proposals to change the queue. The payload is validated when proposed and checked
/// again when the host accepts: a proposal that no longer applies is rejected with the reason,
/// and the accepted change is applied in the same transaction that marks it accepted.
enum ProposalStore {
    enum Kind: String { case addSegment = "add_segment", editSegment = "edit_segment", publicTask = "public_task" }

    /// A validated proposal, ready to store.
    struct Draft {
        let kind: Kind
        let segmentID: String?
        let spec: SegmentSpec?
        let text: String?
    }

    enum Outcome { case applied, stale(String) }

    static let maxPendingPerParticipant = 10

    static func recent(roomID: String, on conn: PostgresConnection) throws -> [RoomSnapshot.Proposal] {
        try conn.query(
            """
            SELECT id, participant_id, author_name, kind, status, reason, payload->>'summary' FROM proposals
            WHERE room_id = $1 AND (status = 'pending' OR decided_at > now() - interval '1 day')
            ORDER BY created_at DESC, id LIMIT 50
            """, [roomID]
        ).map { row in
            RoomSnapshot.Proposal(
                id: row.string(0), participantID: row[1], author: row.string(2), kind: row.string(3),
                status: ProposalStatus(stored: row.string(4)), reason: row[5], summary: row.string(6))
        }.reversed()
    }

    static func propose(_ draft: Draft, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        let me = try room.participant()
        if me.isHost { throw RoomRefusal.invalid("As the host you can change the queue directly.") }
        try SegmentStore.requireOpen(room)
        var segmentTitle = ""
        if let segmentID = draft.segmentID {
            let segment = try SegmentStore.segment(segmentID, in: room, on: conn)
            try SegmentStore.requireNotDone(segment.position, in: room)
            segmentTitle = try title(segmentID, on: conn)
        } else if draft.kind != .addSegment {
            throw RoomRefusal.invalid("Choose the segment your proposal is about.")
        }
        let pending = try conn.query("SELECT count(*) FROM proposals WHERE participant_id = $1 AND status = 'pending'", [me.id]).first!.int(0)
        guard pending < maxPendingPerParticipant else {
            throw RoomRefusal.invalid("You have \(maxPendingPerParticipant) proposals waiting already. Wait for the host to answer them.")
        }
        let summary: String
        switch draft.kind {
        case .publicTask: summary = "task “\(draft.text ?? "")” for \(segmentTitle)"
        case .addSegment: summary = "add \(describe(draft.spec!))"
        case .editSegment: summary = "change \(segmentTitle) to \(describe(draft.spec!))"
        }
        try conn.query(
            """
            INSERT INTO proposals (room_id, participant_id, author_name, kind, payload) VALUES ($1, $2, $3, $4,
                jsonb_build_object('segment_id', $5::text, 'kind', $6::text, 'duration_sec', $7::int, 'label', $8::text,
                                   'public_task', $9::text, 'text', $10::text, 'summary', $11::text))
            """,
            [
                room.id, me.id, me.name, draft.kind.rawValue, draft.segmentID, draft.spec?.kind.rawValue,
                draft.spec.map { String($0.duration.seconds) }, draft.spec?.label, draft.spec?.publicTask, draft.text, summary,
            ])
        return [.proposals]
    }

    static func describe(_ spec: SegmentSpec) -> String {
        (spec.label ?? spec.kind.label) + " · " + spec.duration.text
    }

    static func title(_ segmentID: String, on conn: PostgresConnection) throws -> String {
        guard let row = try conn.query("SELECT kind, label, duration_sec, position FROM segments WHERE id = $1::uuid", [segmentID]).first else {
            return ""
        }
        return "segment \(row.int(3) + 1) (\(row[1] ?? SegmentKind(rawValue: row.string(0))?.label ?? "") · \(SegmentDuration.text(row.int(2))))"
    }

    /// The pending proposal, locked; 404 when unknown, 409 when already decided.
    private static func pending(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> PostgresRow {
        guard UUID(uuidString: id) != nil,
            let row = try conn.query(
                """
                SELECT status, kind, payload->>'segment_id', payload->>'kind', payload->>'duration_sec', payload->>'label',
                       payload->>'public_task', payload->>'text'
                FROM proposals WHERE id = $1::uuid AND room_id = $2 FOR UPDATE
                """, [id, room.id]
            ).first
        else {
            throw RoomRefusal.gone("That proposal does not exist any more.")
        }
        guard ProposalStatus(stored: row.string(0)) == .pending else { throw RoomRefusal.stale("That proposal was already \(row.string(0)).") }
        return row
    }

    static func accept(_ id: String, room: LockedRoom, on conn: PostgresConnection) throws -> (Outcome, Set<RoomPart>) {
        let row = try pending(id, room: room, on: conn)
        let segmentID = row[2]
        var spec: SegmentSpec? = nil
        if let kindText = row[3], let kind = SegmentKind(rawValue: kindText), let seconds = row[4].flatMap({ Int($0) }),
            let duration = try? SegmentDuration(seconds: seconds)
        {
            spec = SegmentSpec(kind: kind, duration: duration, label: row[5], publicTask: row[6])
        }
        // Why it can no longer apply, if it cannot.
        var stale: String? = nil
        if room.status == .ended { stale = "the session has ended" }
        if stale == nil, let segmentID {
            if let position = try conn.query(
                "SELECT position FROM segments WHERE id = $1::uuid AND room_id = $2",
                [segmentID, room.id]
            ).first?.int(0) {
                if position < room.currentIndex { stale = "that segment is already over" }
            } else {
                stale = "that segment is no longer in the queue"
            }
        }
        if stale == nil, row.string(1) == Kind.addSegment.rawValue, room.segmentCount >= RoomLimits.maxSegments {
            stale = "the queue is full (\(RoomLimits.maxSegments) segments)"
        }
        if let stale {
            try decide(id, status: .rejected, reason: "no longer applies: \(stale)", on: conn)
            return (.stale("This proposal no longer applies: \(stale). It has been marked rejected; nothing else changed."), [.proposals])
        }
        var parts: Set<RoomPart> = [.proposals]
        switch Kind(rawValue: row.string(1)) {
        case .publicTask:
            try conn.query("UPDATE segments SET public_task = $2 WHERE id = $1::uuid", [segmentID!, row.string(7)])
            parts.formUnion([.queue])
        case .addSegment:
            parts.formUnion(try SegmentStore.add(spec!, to: room, on: conn))
        case .editSegment:
            // A change that names no public task keeps the one the segment has.
            let existing = try conn.query("SELECT public_task FROM segments WHERE id = $1::uuid", [segmentID!]).first?[0]
            let edited = SegmentSpec(kind: spec!.kind, duration: spec!.duration, label: spec!.label, publicTask: spec!.publicTask ?? existing)
            parts.formUnion(try SegmentStore.edit(segmentID!, to: edited, in: room, on: conn))
        case nil:
            throw RoomRefusal.stale("That proposal cannot be applied.")
        }
        try decide(id, status: .accepted, reason: nil, on: conn)
        return (.applied, parts)
    }

    static func reject(_ id: String, reason: String?, room: LockedRoom, on conn: PostgresConnection) throws -> Set<RoomPart> {
        _ = try pending(id, room: room, on: conn)
        try decide(id, status: .rejected, reason: reason, on: conn)
        return [.proposals]
    }

    private static func decide(_ id: String, status: ProposalStatus, reason: String?, on conn: PostgresConnection) throws {
        try conn.query("UPDATE proposals SET status = $2, reason = $3, decided_at = now() WHERE id = $1::uuid", [id, status.rawValue, reason])
    }
}
