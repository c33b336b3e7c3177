import Domain
import Foundation
import Sodium
import Web

/// The room's parts that long-polls send separately; each has the room version at which it
/// last changed (`rooms.<part>_v`).
enum RoomPart: String, Sendable {
    /// Timer, status, theme and who hosts.
    case state, people, queue, tasks, proposals, chat
    /// The music: what plays, the tracks up next, history, proposed tracks, mode, DJs.
    case soundtrack
    /// Something only its owner sees (a private task, a shadow-hidden message): the version
    /// moves, so caches reload, but no part is sent to anyone else.
    case personal

    /// The parts with their own version column (`<part>_v`), in `RoomStore.roomColumns` order.
    static let shared: [RoomPart] = [.state, .people, .queue, .tasks, .proposals, .chat, .soundtrack]

}

struct Room: Sendable {
    let id: String
    let code: RoomCode
    let theme: String
    let status: RoomStatus
    let version: Int
    let expiresAt: String
    let currentIndex: Int
    /// Running only: milliseconds from the load to the end of the current segment, measured by
    /// the database (negative when the sweeper is about to advance it).
    let msToEndAtLoad: Double?
    let pausedRemainingMs: Int?
    /// The version at which each part last changed.
    let partVersions: [RoomPart: Int]
    /// Slow mode set by the host (it is also on by itself in a crowd: `RoomViews.slowMode`).
    let slowMode: Bool
    /// The soundtrack's playback and settings (the rooms row's `sound_*` columns).
    let sound: RoomSound

    var channel: String { "room:\(id)" }
}

/// A room with everything in it, as loaded, independent of who looks at it: one load serves
/// every viewer (RoomCache), and `view(for:)` filters what one viewer may see. Durations are
/// kept relative to the load, which makes them immune to clock differences between hosts.
struct RoomSnapshot: Sendable {
    struct Member: Sendable {
        let id: String
        let name: String
        let role: ParticipantRole
        let sessionHash: [UInt8]
        let idleAtLoad: Double
        let isMuted: Bool
        /// The account holding the seat; nil for a guest.
        let userID: String?
        /// The host made them DJ: they run the soundtrack.
        let isDJ: Bool
        /// Joined while signed in: signed-in people sharing the room may ask them to be friends.
        var hasAccount: Bool { userID != nil }
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
        let author: String
    }

    struct Proposal: Sendable {
        let id: String
        let participantID: String?
        let author: String
        let kind: String
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

    let room: Room
    let members: [Member]
    let segments: [Segment]
    let tasks: [Task]
    let proposals: [Proposal]
    /// The latest visible messages and the latest shadow-hidden ones, oldest first.
    let messages: [Message]
    let loadedAt: UInt64
    let secondsToExpiry: Double
    /// The parts every viewer sees alike, rendered once per snapshot (RoomViews.sharedParts).
    var rendered = RenderedParts()
    /// Whom the host removed: they get `RoomRefusal.removed` instead of the room.
    var removals = RoomSanctions.Removals()
    /// The soundtrack's queue: the current entry, up next, history and proposals (bounded).
    var soundtrack = SoundtrackQueue()
    /// The DJs' participant ids (at most `SoundtrackLimits.djs`), found once per load.
    var djIDs: [String] = []

    var isExpired: Bool { age >= secondsToExpiry }
    var age: Double { Double(DispatchTime.now().uptimeNanoseconds - loadedAt) / 1e9 }

    /// Members by session, built on first use and shared by every copy of this snapshot.
    let lookup = MemberLookup()

    func member(for session: SessionID?) -> Member? {
        guard let session else { return nil }
        return lookup.index(members)[session.hash].map { members[$0] }
    }

    var host: Member? { members.first { $0.role == .host } }

    /// Whether the host removed this session, or the account `user()` names (asked only when
    /// the room has removed accounts, since finding the user may cost a query).
    func isRemoved(_ session: SessionID, user: () -> String?) -> Bool {
        if removals.isEmpty { return false }
        if removals.sessions.contains(session.hash) { return true }
        return !removals.users.isEmpty && user().map(removals.users.contains) == true
    }

    /// Whether this member counts as online now: seen within the online window at the load, or
    /// seen by this process since (`MemberLookup.markSeen`).
    func isOnline(_ member: Member, elapsed: Double? = nil) -> Bool {
        member.idleAtLoad + (elapsed ?? age) < Double(RoomStore.onlineWindow) || lookup.wasSeen(member.id)
    }

    /// The timer as of now.
    var timer: TimerView {
        let room = self.room
        let now = Int((Date().timeIntervalSince1970 * 1000).rounded())
        let current = room.currentIndex < segments.count ? segments[room.currentIndex] : nil
        let durationMs = (current?.durationSec ?? 0) * 1000
        var remaining = durationMs
        var endsAt: Int? = nil
        switch room.status {
        case .running:
            remaining = max(0, Int(((room.msToEndAtLoad ?? 0) - age * 1000).rounded()))
            endsAt = now + remaining
        case .paused:
            remaining = room.pausedRemainingMs ?? 0
        case .ended:
            remaining = 0
        default:
            break
        }
        return TimerView(
            status: room.status, index: room.currentIndex, count: segments.count,
            kind: room.status == .ended ? "" : current?.kind.rawValue ?? "",
            phase: room.status == .ended ? "Finished" : current?.name ?? "No segments yet",
            remainingMs: remaining, durationMs: durationMs, endsAtMs: endsAt, serverNowMs: now)
    }

    /// Whether the segment at `position` is over (read-only), now playing, or still to come.
    func segmentState(_ position: Int) -> SegmentState {
        if room.status == .ended { return position < room.currentIndex || position == room.currentIndex ? .done : .upcoming }
        if position < room.currentIndex { return .done }
        if position == room.currentIndex && (room.status == .running || room.status == .paused) { return .current }
        return .upcoming
    }

    enum SegmentState: String { case done, current, upcoming }
}

/// Per-snapshot lookups that are computed once, or written by presence, without copying the
/// snapshot: with 2,000 members a copy per "came back" was O(N) each, O(N²) per storm.
final class MemberLookup: @unchecked Sendable {
    private let lock = NSLock()
    private var bySession: [[UInt8]: Int]?
    private var seen: Set<String> = []

    func index(_ members: [RoomSnapshot.Member]) -> [[UInt8]: Int] {
        lock.lock()
        defer { lock.unlock() }
        if let bySession { return bySession }
        var made: [[UInt8]: Int] = [:]
        made.reserveCapacity(members.count)
        for (offset, member) in members.enumerated() where made[member.sessionHash] == nil { made[member.sessionHash] = offset }
        bySession = made
        return made
    }

    /// Records that this process saw the participant after the load (their presence is on its
    /// way to PostgreSQL in the next batch), so the next view does not record it again.
    func markSeen(_ participantID: String) {
        lock.lock()
        seen.insert(participantID)
        lock.unlock()
    }

    /// Everyone marked so far, for loops over all members (one lock, not one per member).
    func seenIDs() -> Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    func wasSeen(_ participantID: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return seen.contains(participantID)
    }
}

/// HTML fragments shared by the viewers of one snapshot, rendered on first use in two
/// variants: the host's (with the controls) and everyone else's. Forms in them carry a CSRF
/// slot: each fragment is kept as the pieces between slots, joined with the viewer's token for a
/// page and with nothing for a long-poll answer (live.js fills it in).
final class RenderedParts: @unchecked Sendable {
    /// Random per process, like the Splice markers: no text anyone typed can be taken for a slot
    /// (and so receive a viewer's token), whatever the validation rules let through one day.
    static let csrfSlot = "\u{1}" + Base64URL.encode(Sodium.randomBytes(12)) + "\u{1}"
    private let lock = NSLock()
    private var parts: [Bool: [String: [[UInt8]]]] = [:]

    private var fragmentJSON: [String: String] = [:]
    /// Parts with variants of their own (the soundtrack's: host, DJ, everyone), by key.
    private var keyed: [String: [[UInt8]]] = [:]

    /// A part rendered once per snapshot and `key` (e.g. the soundtrack for one poll variant).
    func part(_ key: String, _ render: () -> [[UInt8]]) -> [[UInt8]] { once(\.keyed, key, render) }

    /// A poll answer's fragments as JSON, by the set of parts it carries and the variant: made
    /// once per snapshot, since a crowd's polls, answered one by one, ask for the same ones.
    func fragments(_ key: String, _ make: () -> String) -> String { once(\.fragmentJSON, key, make) }

    /// Made outside the lock: two viewers may both make it, and either copy will do.
    private func once<T>(_ table: ReferenceWritableKeyPath<RenderedParts, [String: T]>, _ key: String, _ make: () -> T) -> T {
        lock.lock()
        if let made = self[keyPath: table][key] {
            lock.unlock()
            return made
        }
        lock.unlock()
        let made = make()
        lock.lock()
        self[keyPath: table][key] = made
        lock.unlock()
        return made
    }

    func get(host: Bool, _ render: () -> [String: [[UInt8]]]) -> [String: [[UInt8]]] {
        lock.lock()
        defer { lock.unlock() }
        if let made = parts[host] { return made }
        let made = render()
        parts[host] = made
        return made
    }
}

/// What the timer shows at one moment.
struct TimerView: Sendable {
    let status: RoomStatus
    let index: Int
    let count: Int
    let kind: String
    let phase: String
    let remainingMs: Int
    let durationMs: Int
    /// Epoch milliseconds on this responder's clock (running only).
    let endsAtMs: Int?
    let serverNowMs: Int
}
