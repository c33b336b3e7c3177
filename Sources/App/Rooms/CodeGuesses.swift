import Foundation
import Web

/// Lookups of room codes that do not exist, counted per client address and, when signed in,
/// per account (`RateLimits.unknownCodes`). Past the limit, every lookup by code from that
/// address is refused until the window ends, rooms that exist included: refusing only misses
/// would tell a guesser which codes are live. The refusal is also remembered in this process,
/// so the check on the busy paths (room pages, polls) costs a dictionary lookup, not a Redis
/// round trip; another responder learns of it at the guesser's next miss there. Only a refused
/// address asks Redis again (its counter may have been cleared by an operator, or the tests).
final class CodeGuesses: @unchecked Sendable {
    private let lock = NSLock()
    private var blockedUntil: [String: Date] = [:]

    /// Throws `RateLimited` when this client address is refused lookups by code.
    func check(_ ctx: RequestContext) throws {
        let bucket = Throttle.addressBucket(ctx.request.remoteAddress)
        let now = Date()
        lock.lock()
        let until = blockedUntil[bucket]
        if let until, until <= now { blockedUntil[bucket] = nil }
        lock.unlock()
        guard let until, until > now else { return }
        let rule = ctx.services.config.rateLimits.unknownCodes
        let stillCounted =
            ctx.services.redis.map { $0.isDown } ?? true
            || ctx.services.throttle.blocked(Throttle.addressKey(rule.kind, address: ctx.request.remoteAddress), limit: rule.limit + 1) != nil
        guard stillCounted else {
            lock.lock()
            blockedUntil[bucket] = nil
            lock.unlock()
            return
        }
        throw RateLimited(doing: rule.doing, retryAfter: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
    }

    /// Counts a lookup of a code that does not exist; past the limit remembers the refusal and throws.
    func missed(_ ctx: RequestContext) throws {
        do {
            try ctx.limit(ctx.services.config.rateLimits.unknownCodes)
        } catch let limited as RateLimited {
            let bucket = Throttle.addressBucket(ctx.request.remoteAddress)
            lock.lock()
            // Bounded: a flood of addresses cannot grow this beyond what is still blocked.
            if blockedUntil.count >= 100_000 { blockedUntil = blockedUntil.filter { $0.value > Date() } }
            blockedUntil[bucket] = Date().addingTimeInterval(Double(limited.retryAfter))
            lock.unlock()
            throw limited
        }
    }
}
