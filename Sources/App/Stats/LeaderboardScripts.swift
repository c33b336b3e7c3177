/// The Lua the boards run in Redis, each one round trip and atomic. Every write names a target:
/// '' for the live sets (and, while a rebuild runs, that build's copies too, so nothing written
/// during a rebuild is lost when its copies replace the live sets), or a build token for that
/// build's copies alone (refused with -1 once the token no longer holds the rebuild lock).
/// An account in `leaderboard:left` is not written by a write read from PostgreSQL before it left
/// (the read's time, epoch ms, comes with the write).
enum LeaderboardScripts {
    /// The copy of a live key that build `token` writes: `leaderboard:build:TOKEN:…`.
    static let copyFunction = """
        local function copy(key, token) return 'leaderboard:build:' .. token .. ':' .. string.sub(key, 13) end
        local function targets(key, target)
            local token = redis.call('GET', 'leaderboard:rebuilding')
            if target == '' then
                if token then return {key, copy(key, token)}, token end
                return {key}, nil
            end
            if token ~= target then return nil, nil end
            redis.call('EXPIRE', 'leaderboard:rebuilding', \(LeaderboardKeys.rebuildLockSeconds))
            return {copy(key, token)}, token
        end
        -- A build's copies vanish by themselves if the build never finishes.
        local function keepCopy(key, live)
            if key ~= live then redis.call('EXPIRE', key, 900) end
        end

        """

    /// Sums of focus seconds into one board.
    /// KEYS: left, the board. ARGV: mode ('gt': only raise, for credits, whose sums only grow;
    /// 'set': the truth as just read, for a refresh, where 0 removes), expire-at epoch or '0',
    /// target, read at, then score/member pairs.
    static let sums =
        copyFunction + """
            local keys = targets(KEYS[2], ARGV[3])
            if not keys then return -1 end
            local readAt = tonumber(ARGV[4])
            local written = 0
            for i = 5, #ARGV, 2 do
                local score, member = ARGV[i], ARGV[i + 1]
                local left = redis.call('ZSCORE', KEYS[1], member)
                if not left or tonumber(left) <= readAt then
                    for _, key in ipairs(keys) do
                        if ARGV[1] == 'gt' then
                            if score ~= '0' then redis.call('ZADD', key, 'GT', score, member) end
                        elseif score == '0' then
                            redis.call('ZREM', key, member)
                        else
                            redis.call('ZADD', key, score, member)
                        end
                    end
                    written = written + 1
                end
            end
            for _, key in ipairs(keys) do
                if ARGV[2] ~= '0' and redis.call('EXISTS', key) == 1 then redis.call('EXPIREAT', key, ARGV[2]) end
                keepCopy(key, KEYS[2])
            end
            return written
            """

    /// Current streaks into the consistency board. A streak is written only from a read at least
    /// as new as the one it replaces (the member's last credit, epoch ms), and a streak past its
    /// end (or of 0) is removed instead.
    /// KEYS: left, consistency, until, at. ARGV: now (epoch s), target, read at, then
    /// member/streak/alive-until/last-credit quadruples.
    static let streaks =
        copyFunction + """
            local boards = targets(KEYS[2], ARGV[2])
            if not boards then return -1 end
            local untils = targets(KEYS[3], ARGV[2])
            local reads = targets(KEYS[4], ARGV[2])
            local now, readAt = tonumber(ARGV[1]), tonumber(ARGV[3])
            local written = 0
            for i = 4, #ARGV, 4 do
                local member, streak, alive, read = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
                local left = redis.call('ZSCORE', KEYS[1], member)
                if not left or tonumber(left) <= readAt then
                    for k = 1, #boards do
                        local seen = tonumber(redis.call('HGET', reads[k], member) or '-1')
                        if read >= seen then
                            if streak > 0 and alive > now then
                                redis.call('ZADD', boards[k], streak, member)
                                redis.call('ZADD', untils[k], alive, member)
                                redis.call('HSET', reads[k], member, read)
                            else
                                redis.call('ZREM', boards[k], member)
                                redis.call('ZREM', untils[k], member)
                                redis.call('HDEL', reads[k], member)
                            end
                        end
                    end
                    written = written + 1
                end
            end
            for k = 1, #boards do
                keepCopy(boards[k], KEYS[2])
                keepCopy(untils[k], KEYS[3])
                keepCopy(reads[k], KEYS[4])
            end
            return written
            """

    /// One account off every board at once, and remembered as gone for a while.
    /// KEYS: left, at, then every board set. ARGV: now (epoch ms), member.
    static let remove =
        copyFunction + """
            local now = tonumber(ARGV[1])
            redis.call('ZADD', KEYS[1], now, ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - \(LeaderboardKeys.leftMemorySeconds * 1000))
            local token = redis.call('GET', 'leaderboard:rebuilding')
            for i = 2, #KEYS do
                local keys = {KEYS[i]}
                if token then keys[2] = copy(KEYS[i], token) end
                for _, key in ipairs(keys) do
                    if i == 2 then redis.call('HDEL', key, ARGV[2]) else redis.call('ZREM', key, ARGV[2]) end
                end
            end
            return 1
            """

    /// Streaks whose end has passed leave the consistency board (a thousand per call).
    /// KEYS: consistency, until, at. ARGV: now (epoch s).
    static let prune = """
        local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
        for _, member in ipairs(dead) do
            redis.call('ZREM', KEYS[1], member)
            redis.call('ZREM', KEYS[2], member)
            redis.call('HDEL', KEYS[3], member)
        end
        return #dead
        """

    /// The end of a rebuild: its copies replace the live sets in one step (a set the build left
    /// empty is deleted), and the built mark is set. Refused (0) once the token lost the lock.
    /// KEYS: rebuilding, built, then copy/live pairs. ARGV: token, built value, then each pair's
    /// expire-at epoch or '0' (kept for good).
    static let finish = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        for i = 3, #KEYS, 2 do
            local expireAt = ARGV[(i - 3) / 2 + 3]
            if redis.call('EXISTS', KEYS[i]) == 1 then
                redis.call('RENAME', KEYS[i], KEYS[i + 1])
                if expireAt == '0' then redis.call('PERSIST', KEYS[i + 1]) else redis.call('EXPIREAT', KEYS[i + 1], expireAt) end
            else
                redis.call('DEL', KEYS[i + 1])
            end
        end
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('DEL', KEYS[1])
        return 1
        """

    /// Gives up a rebuild (its copies expire by themselves). KEYS: rebuilding. ARGV: token.
    static let abandon = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """

    /// Scores of some members on one board, in their order (nil for those not on it), or
    /// {0, {}} when the boards are not built. In slices, as Lua's stack bounds `unpack`.
    /// KEYS: board, built. ARGV: members.
    static let scores = """
        if redis.call('EXISTS', KEYS[2]) == 0 then return {0, {}} end
        local out = {}
        for i = 1, #ARGV, 1000 do
            local part = redis.call('ZMSCORE', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            for j = 1, #part do out[#out + 1] = part[j] end
        end
        return {1, out}
        """

    /// One account's place on a board: {} when it is not on it, else {place, total}.
    /// KEYS: board. ARGV: member.
    static let place = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not score then return {} end
        return {redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf') + 1, redis.call('ZCARD', KEYS[1])}
        """

    /// Everything a page shows, read in one step, every part O(log n + shown):
    /// { built (0/1), total, page (member, score, …), people above the page's first,
    ///   viewer: {} or {0-based place, first shown place, people above the first shown, (member, score, …)},
    ///   last week: {} or {total, top (member, score, …), people above its first,
    ///                     viewer's 0-based place or -1, viewer's score, people above the viewer} }
    /// KEYS: board, built, last week's board. ARGV: offset, count, viewer id or '', reach,
    /// how many of last week to show (0: none).
    static let read = """
        local function above(key, score) return redis.call('ZCOUNT', key, '(' .. score, '+inf') end
        local offset, count, viewer, reach = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
        local page = redis.call('ZREVRANGE', KEYS[1], offset, offset + count - 1, 'WITHSCORES')
        local mine = {}
        if viewer ~= '' then
            local place = redis.call('ZREVRANK', KEYS[1], viewer)
            if place then
                local first = math.max(0, place - reach)
                local near = redis.call('ZREVRANGE', KEYS[1], first, place + reach, 'WITHSCORES')
                mine = {place, first, above(KEYS[1], near[2]), near}
            end
        end
        local last = {}
        local shown = tonumber(ARGV[5])
        if shown > 0 then
            local top = redis.call('ZREVRANGE', KEYS[3], 0, shown - 1, 'WITHSCORES')
            last = {redis.call('ZCARD', KEYS[3]), top, #top > 0 and above(KEYS[3], top[2]) or 0, -1, '0', 0}
            if viewer ~= '' then
                local place = redis.call('ZREVRANK', KEYS[3], viewer)
                if place then
                    local score = redis.call('ZSCORE', KEYS[3], viewer)
                    last[4], last[5], last[6] = place, score, above(KEYS[3], score)
                end
            end
        end
        return {redis.call('EXISTS', KEYS[2]), redis.call('ZCARD', KEYS[1]), page,
                #page > 0 and above(KEYS[1], page[2]) or 0, mine, last}
        """
}
