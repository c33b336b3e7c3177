import Foundation

/// Who the people on a board are (username and display name), kept for 15 s in this process:
/// every view of a board names the same few dozen people, and reading them from PostgreSQL each
/// time cost more than the rest of the page. Only ranked people are kept; anyone else (someone
/// who left a moment ago, a viewer who is not ranked) is asked for every time, and the page read
/// from PostgreSQL while Redis is catching up does not use it at all. So a name or username
/// change shows within 15 s, and leaving the boards at once (Redis loses the row at once).
final class LeaderboardNames: @unchecked Sendable {
    typealias Name = (username: String, displayName: String)
    static let keepSeconds: TimeInterval = 15
    /// Past this many, everything kept is dropped (a crawler walking every page).
    static let capacity = 20_000

    private let lock = NSLock()
    private var kept: [String: (at: Date, name: Name)] = [:]

    /// The names of those of `userIDs` who are ranked.
    func names(of userIDs: [String], store: LeaderboardStore, now: Date = Date()) throws -> [String: Name] {
        var found: [String: Name] = [:]
        var missing: [String] = []
        lock.lock()
        for id in Set(userIDs) {
            if let hit = kept[id], now.timeIntervalSince(hit.at) < Self.keepSeconds { found[id] = hit.name } else { missing.append(id) }
        }
        lock.unlock()
        guard !missing.isEmpty else { return found }
        let read = try store.names(of: missing)
        lock.lock()
        if kept.count + read.count > Self.capacity { kept.removeAll(keepingCapacity: true) }
        for (id, name) in read {
            kept[id] = (now, name)
            found[id] = name
        }
        lock.unlock()
        return found
    }
}
