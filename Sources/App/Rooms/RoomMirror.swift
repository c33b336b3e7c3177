import Foundation
import Redis

/// The Redis mirror of a room's hot state, for scripts and tools that should not query
/// PostgreSQL: `room:timer:{id}` (a hash: status, index, ends_at_ms, remaining_ms, version) and
/// `room:presence:{id}` (a sorted set: participant id scored by last-seen epoch ms). Both are
/// rewritten from every snapshot a responder loads from PostgreSQL, so a missing or stale key
/// is rebuilt by the next load, and both expire with the room. The responder itself reads its
/// snapshot cache, not the mirror: PostgreSQL stays the truth.
enum RoomMirror {
    /// One round trip; a responder holding an older snapshot never overwrites a newer one.
    static let script = """
        local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if stored > tonumber(ARGV[6]) then return 0 end
        redis.call('HSET', KEYS[1], 'status', ARGV[2], 'index', ARGV[3], 'ends_at_ms', ARGV[4], 'remaining_ms', ARGV[5], 'version', ARGV[6])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        if #ARGV > 6 then
            redis.call('ZADD', KEYS[2], unpack(ARGV, 7))
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
        end
        return 1
        """

    static func timerKey(_ roomID: String) -> String { "room:timer:\(roomID)" }
    static func presenceKey(_ roomID: String) -> String { "room:presence:\(roomID)" }

    static func write(_ snapshot: RoomSnapshot, redis: RedisPool?) {
        guard let redis, !redis.isDown else { return }
        let room = snapshot.room
        let timer = snapshot.timer
        let ttl = max(1000, Int(snapshot.secondsToExpiry * 1000))
        let now = timer.serverNowMs
        var args = ["EVAL", script, "2", timerKey(room.id), presenceKey(room.id), String(ttl), timer.status, String(timer.index),
                    timer.endsAtMs.map(String.init) ?? "", String(timer.remainingMs), String(room.version)]
        for member in snapshot.members.prefix(2000) {
            args += [String(now - Int(member.idleAtLoad * 1000)), member.id]
        }
        _ = try? redis.command(args)
    }

    /// Records a presence write in the mirror.
    static func seen(roomID: String, participantID: String, redis: RedisPool?) {
        guard let redis, !redis.isDown else { return }
        _ = try? redis.command(["ZADD", presenceKey(roomID), "XX", String(Int(Date().timeIntervalSince1970 * 1000)), participantID])
    }
}
