/// Time-based one-time passwords as RFC 6238 and every authenticator app compute them:
/// HMAC-SHA-1, six digits, 30-second steps counted from the Unix epoch. A code is accepted one
/// step either side of now (a phone's clock a little off, a code typed as it changed), and only
/// for a step later than the last one accepted, so a code cannot be used twice, nor an older one
/// after a newer (RFC 6238 section 5.2).
public enum TOTP {
    public static let digits = 6
    public static let period: Int64 = 30
    /// Steps accepted either side of the current one.
    public static let window: Int64 = 1
    /// 160 bits, the length of SHA-1's output (RFC 4226 section 4 recommends it).
    public static let secretBytes = 20

    /// What a typed code turned out to be.
    public enum Check: Sendable, Equatable {
        /// Right, for `step`, which becomes the last one used.
        case accepted(step: Int64)
        /// Right, but for a step no later than the last one used.
        case reused
        /// Not the code of any step in the window.
        case wrong
    }

    /// The step `unixSeconds` falls in (floored, so times before 1970 would still count down).
    public static func step(atUnixSeconds unixSeconds: Int64) -> Int64 {
        unixSeconds >= 0 ? unixSeconds / period : (unixSeconds - period + 1) / period
    }

    /// The code of `step`: HOTP (RFC 4226) with the step as its counter, zero-padded.
    public static func code(secret: [UInt8], step: Int64) -> String {
        let counter = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> UInt64(56 - $0 * 8)) }
        let mac = SHA1.hmac(key: secret, message: counter)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        let text = String(binary % 1_000_000)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// Checks `typed` (six digits) against every step in the window around `unixSeconds`. Every
    /// candidate is computed and compared in full whatever matches, so the time taken says nothing.
    public static func check(_ typed: String, secret: [UInt8], atUnixSeconds unixSeconds: Int64, lastUsedStep: Int64?) -> Check {
        let now = step(atUnixSeconds: unixSeconds)
        var accepted: Int64? = nil
        var reused = false
        for candidate in (now - window)...(now + window) {
            guard sameDigits(code(secret: secret, step: candidate), typed) else { continue }
            if let lastUsedStep, candidate <= lastUsedStep {
                reused = true
            } else if accepted == nil {
                accepted = candidate
            }
        }
        if let accepted { return .accepted(step: accepted) }
        return reused ? .reused : .wrong
    }

    private static func sameDigits(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
