import Domain
import Foundation

/// Stats pages' bodies (figures, charts and tables: the same for every viewer), rendered once
/// per process, so a page viewed again costs one statement (the owner and their tally) and no
/// drawing. An entry is keyed by everything its body shows: the owner as read on this request,
/// tally included, their today, the year asked for and the streak as it stands now. Every
/// credit changes the tally in the transaction that writes it (`total_seconds` only grows:
/// seconds are never zero, rows are never deleted or moved between accounts), so a key read
/// afresh on each request never finds a body older than the ledger. Bounded: when full, it
/// starts again empty.
final class UserStatsCache: @unchecked Sendable {
    struct Key: Hashable {
        let owner: UserStatsStore.Owner
        let today: LocalDate
        let year: Int?
        let streak: Streak.Standing

        func hash(into hasher: inout Hasher) {
            hasher.combine(owner.id)
            hasher.combine(owner.tally.totalSeconds)
            hasher.combine(today)
            hasher.combine(year)
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
