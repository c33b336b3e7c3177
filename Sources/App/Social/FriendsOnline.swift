import Domain
import Foundation
import Redis
import Web

/// "Friends online" on /me and in a room's side column: friends in a room first, then friends
/// who are about, at most `shown`. Kept per person for a few seconds per responder, so a room
/// page viewed again does not ask again, but only while the person's live channel stands still:
/// a page is drawn as things are (its live channel then carries only later changes, and without
/// JavaScript the next load is all there is), and any friend's presence change or friendship
/// moves that channel's version in Redis.
final class FriendsOnline: @unchecked Sendable {
    static let shown = 20
    static let keepSeconds: TimeInterval = 10

    private let lock = NSLock()
    private var kept: [String: (at: Date, version: String?, people: [FriendPresenceReader.Person])] = [:]

    func list(for userID: String, services: Services) throws -> [FriendPresenceReader.Person] {
        let now = Date()
        let version = Self.channelVersion(userID, redis: services.redis)
        lock.lock()
        if let hit = kept[userID], hit.version == version, now.timeIntervalSince(hit.at) < Self.keepSeconds {
            lock.unlock()
            return hit.people
        }
        lock.unlock()
        let friends = try UserChannelStore(database: services.database).friendsWithSeats(userID)
        var chosen = friends.filter(\.seated).prefix(Self.shown).map(\.id)
        if chosen.count < Self.shown {
            let others = friends.filter { !$0.seated }.map(\.id)
            for start in stride(from: 0, to: others.count, by: 1000) where chosen.count < Self.shown {
                let online = UserPresence.online(among: Array(others[start..<min(start + 1000, others.count)]), redis: services.redis)
                chosen += online.prefix(Self.shown - chosen.count)
            }
        }
        let people = try FriendPresenceReader(database: services.database, redis: services.redis).people(chosen)
        let listed = chosen.compactMap { people[$0] }.filter { $0.presence != .offline && $0.presence != .away }
            .sorted { ($0.presence.roomCode == nil ? 1 : 0, $0.displayName) < ($1.presence.roomCode == nil ? 1 : 0, $1.displayName) }
        lock.lock()
        if kept.count > 10_000 { kept = [:] }
        kept[userID] = (now, version, listed)
        lock.unlock()
        return listed
    }

    /// The person's channel version in Redis (`PresenceFanOut.liveKey`), "0" before it has one;
    /// nil while Redis is down (a kept list then lasts its few seconds, as before).
    static func channelVersion(_ userID: String, redis: RedisPool?) -> String? {
        guard let redis, !redis.isDown, let reply = try? redis.command(["GET", PresenceFanOut.liveKey(userID)]) else { return nil }
        if case .string(let version) = reply { return version }
        return "0"
    }

    /// The template context for `partials/friends_online`.
    static func context(_ people: [FriendPresenceReader.Person], listID: String) -> TemplateValue {
        .object([
            "list_id": .text(listID),
            "friends": .list(
                people.map { person in
                    var row: TemplateContext = [
                        "username": .text(person.username), "display_name": .text(person.displayName),
                        "presence": .text(person.presence.name), "words": .text(person.presence.words),
                    ]
                    if let code = person.presence.roomCode { row["room"] = .text(code) }
                    return row
                }),
        ])
    }
}
