import Domain
import Foundation

/// The /me thumbnail of each board, by board and version, kept per process: a full board (5,000
/// strokes) costs tens of milliseconds to read and draw, and it changes far less often than /me
/// is viewed. A board's version moves with every change, so an entry is never stale; the
/// oldest half goes when the cache is full.
final class BoardThumbnails: Sendable {
    static let shared = BoardThumbnails()
    static let maxEntries = 2000

    private struct Key: Hashable {
        let board: Int
        let version: Int
    }
    private let lock = NSLock()
    nonisolated(unsafe) private var entries: [Key: (svg: String, used: UInt64)] = [:]
    nonisolated(unsafe) private var clock: UInt64 = 0

    /// The thumbnail of `head` as it is at its version: drawn (reading the board) only on a miss.
    func svg(_ head: BoardStore.Head, userID: String, store: BoardStore) throws -> String? {
        let key = Key(board: head.id, version: head.version)
        if let hit = lock.withLock({ () -> String? in
            clock += 1
            entries[key]?.used = clock
            return entries[key]?.svg
        }) {
            return hit
        }
        guard let shown = try store.shown(head.id, userID: userID), shown.head.version == head.version else {
            return nil
        }
        let svg = BoardSVG.thumbnail(shown.content, name: shown.head.name)
        lock.withLock {
            if entries.count >= Self.maxEntries {
                let keep = entries.sorted { $0.value.used > $1.value.used }.prefix(Self.maxEntries / 2)
                entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
            clock += 1
            entries[key] = (svg, clock)
        }
        return svg
    }
}
