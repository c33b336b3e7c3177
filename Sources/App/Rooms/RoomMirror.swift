import Foundation
import Redis

/// The Redis mirror of a room's hot state, for scripts and tools that should not query
/// PostgreSQL: `room:timer:{id}` (a hash: status, index, ends_at_ms, remaining_ms, version) and
/// `room:presence:{id}` (a sorted set: participant id scored by last-seen epoch ms). Both are
/// rewritten from every snapshot a responder loads from PostgreSQL (page views, wake-ups, and
/// the sweeper after it moves a timer, so the timer hash is right with no page open); a missing
/// or stale key is rebuilt by the next load, and both expire with the room. Presence batches
/// (`PresenceBuffer`) raise the scores as they are flushed. The responder itself reads its
/// snapshot cache, not the mirror: PostgreSQL stays the truth.
enum RoomMirror {
    /// One round trip; a responder holding an older snapshot never overwrites a newer one.
    /// Presence scores only move forward (`GT`: a batch flushed since the load is newer than the
    /// load), and members no longer in the room are removed.
    static let script = """
        local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if stored > tonumber(ARGV[6]) then return 0 end
        redis.call('HSET', KEYS[1], 'status', ARGV[2], 'index', ARGV[3], 'ends_at_ms', ARGV[4], 'remaining_ms', ARGV[5], 'version', ARGV[6])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        if #ARGV == 6 then
            redis.call('DEL', KEYS[2])
            return 1
        end
        for i = 7, #ARGV, 2000 do
            redis.call('ZADD', KEYS[2], 'GT', unpack(ARGV, i, math.min(i + 1999, #ARGV)))
        end
        if redis.call('ZCARD', KEYS[2]) > (#ARGV - 6) / 2 then
            local keep = {}
            for i = 8, #ARGV, 2 do keep[ARGV[i]] = true end
            for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
                if not keep[member] then redis.call('ZREM', KEYS[2], member) end
            end
        end
        redis.call('PEXPIRE', KEYS[2], ARGV[1])
        return 1
        """

    static func timerKey(_ roomID: String) -> String { "room:timer:\(roomID)" }
    static func presenceKey(_ roomID: String) -> String { "room:presence:\(roomID)" }

    static func write(_ snapshot: RoomSnapshot, redis: RedisPool?) {
        guard let redis, !redis.isDown else { return }
        let room = snapshot.room
        let timer = snapshot.timer
        let ttl = max(1000, Int(snapshot.secondsToExpiry * 1000 - snapshot.age * 1000))
        let now = timer.serverNowMs
        let elapsed = snapshot.age
        var args = [
            "EVAL", script, "2", timerKey(room.id), presenceKey(room.id), String(ttl), timer.status.rawValue, String(timer.index),
            timer.endsAtMs.map(String.init) ?? "", String(timer.remainingMs), String(room.version),
        ]
        args.reserveCapacity(args.count + 2 * snapshot.members.count)
        let seen = snapshot.lookup.seenIDs()
        for member in snapshot.members {
            args += [String(now - Int((seen.contains(member.id) ? 0 : member.idleAtLoad + elapsed) * 1000)), member.id]
        }
        _ = try? redis.command(args)
    }

    /// Raises the scores of a flushed presence batch (existing members of an existing key only:
    /// the key and its expiry are made by `write`).
    static func seen(roomID: String, _ batch: [(participantID: String, secondsAgo: Double)], redis: RedisPool?) {
        guard let redis, !redis.isDown, !batch.isEmpty else { return }
        let now = Int(Date().timeIntervalSince1970 * 1000)
        var args = ["ZADD", presenceKey(roomID), "XX", "GT"]
        for (id, ago) in batch { args += [String(now - Int(ago * 1000)), id] }
        _ = try? redis.command(args)
    }
}
