import Domain
import Foundation

/// Insights pages' bodies, rendered once per process for each state of an owner's journal, so a
/// page viewed again costs the two small statements of `JournalInsightsStore.scope` and no
/// aggregating or drawing. A body is keyed by everything it shows: the owner, the range, their
/// today and day boundary, and the id of their journal's last event. Events are append-only and
/// their ids only grow, so any change to the journal (a new event; an erase, which leaves none)
/// gives a new key, and a rebuild gives the same projections from the same events. The key is
/// read before the body is made, so a body is never older than its key. Bounded: when full, it
/// starts again empty.
final class JournalInsightsCache: @unchecked Sendable {
    struct Key: Hashable {
        let userID: String
        let range: InsightsRange
        let today: LocalDate
        let zone: String
        let resetMinutes: Int
        let lastEvent: Int

        init(userID: String, range: InsightsRange, scope: JournalInsightsStore.Scope) {
            self.userID = userID
            self.range = range
            today = scope.today
            zone = scope.boundary.zone.identifier
            resetMinutes = scope.boundary.resetMinutes
            lastEvent = scope.lastEvent
        }
    }

    static let capacity = 256
    private let lock = NSLock()
    private var bodies: [Key: [UInt8]] = [:]

    /// The body for `key`, rendered (outside the lock) when it is not kept.
    func body(_ key: Key, render: () throws -> [UInt8]) throws -> [UInt8] {
        if let kept = lock.withLock({ bodies[key] }) { return kept }
        let rendered = try render()
        lock.withLock {
            if bodies.count >= Self.capacity { bodies.removeAll(keepingCapacity: true) }
            bodies[key] = rendered
        }
        return rendered
    }
}
