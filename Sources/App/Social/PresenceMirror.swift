import Foundation
import Redis

/// The Redis copy of where each signed-in person is (the seed's `userId → roomId / status`):
/// `presence:seat:<user>` = "<room id>|focusing|break|away|<code>", with a TTL, and
/// `presence:room:<room id>`, the accounts a room last put there. Derived from each room snapshot
/// a responder loads (the same moment `RoomMirror` is rewritten), so it costs no write per poll,
/// and only a person whose state changed is told to their friends (`PresenceFanOut`).
/// Friend lists read PostgreSQL's seats themselves (`FriendPresenceReader`); this copy decides
/// who must be woken, once, however many responders load the same version.
enum PresenceMirror {
    /// A seat's state outlives its room's next load by this much at most; a key that expired
    /// while the person is still there is simply written again (one spare wake-up for friends).
    static let ttlMs = 600_000

    /// ARGV: room id, the set's TTL (ms), the snapshot's room version, then (user, value) pairs.
    /// Returns the users whose value changed, including those who left the room. A live state
    /// elsewhere outranks "away" here. A snapshot older than one already written changes nothing
    /// (two responders loading two versions at once may finish in either order).
    static let script = """
        local room = ARGV[1]
        local versionKey = 'presence:roomv:' .. room
        if tonumber(redis.call('GET', versionKey) or '0') > tonumber(ARGV[3]) then return {} end
        redis.call('SET', versionKey, ARGV[3], 'PX', ARGV[2])
        local prefix = room .. '|'
        local setKey = 'presence:room:' .. room
        local changed = {}
        local here = {}
        local members = {}
        for i = 4, #ARGV, 2 do
            local user, value = ARGV[i], ARGV[i + 1]
            here[user] = true
            members[#members + 1] = user
            local key = 'presence:seat:' .. user
            local old = redis.call('GET', key)
            local mine = (not old) or string.sub(old, 1, #prefix) == prefix
            local away = string.find(value, '|away|', 1, true)
            if mine or not away or string.find(old, '|away|', 1, true) then
                if old ~= value then changed[#changed + 1] = user end
                redis.call('SET', key, value, 'PX', \(ttlMs))
            end
        end
        for _, user in ipairs(redis.call('SMEMBERS', setKey)) do
            if not here[user] then
                local key = 'presence:seat:' .. user
                local old = redis.call('GET', key)
                if old and string.sub(old, 1, #prefix) == prefix then
                    redis.call('DEL', key)
                    changed[#changed + 1] = user
                end
            end
        end
        redis.call('DEL', setKey)
        for i = 1, #members, 5000 do
            redis.call('SADD', setKey, unpack(members, i, math.min(i + 4999, #members)))
        end
        if #members > 0 then redis.call('PEXPIRE', setKey, ARGV[2]) end
        return changed
        """

    /// Writes the signed-in members' states from a freshly loaded snapshot; returns who changed.
    static func write(_ snapshot: RoomSnapshot, redis: RedisPool?) -> [String] {
        guard let redis, !redis.isDown else { return [] }
        let room = snapshot.room
        let ttl = max(1000, Int(snapshot.secondsToExpiry * 1000 - snapshot.age * 1000))
        var args = ["EVAL", script, "0", room.id, String(ttl), String(room.version)]
        if room.status != .ended {
            let seen = snapshot.lookup.seenIDs()
            let segment = room.currentIndex < snapshot.segments.count ? snapshot.segments[room.currentIndex] : nil
            let live = room.status == .running && segment?.kind == .focus ? "focusing" : "break"
            for member in snapshot.members {
                guard let user = member.userID else { continue }
                let online = seen.contains(member.id) || member.idleAtLoad + snapshot.age <= Double(RoomStore.onlineWindow)
                args += [user, "\(room.id)|\(online ? live : "away")|\(room.code.value)"]
            }
        }
        guard case .array(let users)? = try? redis.command(args) else { return [] }
        return users.compactMap { if case .string(let id) = $0 { return id } else { return nil } }
    }
}
