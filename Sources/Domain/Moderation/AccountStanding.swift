import Foundation

/// Whether an account may sign in: in good standing, suspended until a moment, or banned
/// (`users.suspended_until`: NULL, a time, or 'infinity').
public enum AccountStanding: Sendable, Equatable {
    case good
    case suspended(until: Double)
    case banned

    /// From the stored `suspended_until` as seconds since 1970 (nil: none; +infinity: banned).
    public init(suspendedUntil: Double?, now: Double) {
        if let until = suspendedUntil, until.isInfinite {
            self = .banned
        } else if let until = suspendedUntil, until > now {
            self = .suspended(until: until)
        } else {
            self = .good
        }
    }

    /// What a refused sign-in says, with how long is left; nil in good standing.
    public func signInRefusal(now: Double) -> String? {
        switch self {
        case .good: return nil
        case .banned: return "This account has been banned by the moderators. It can no longer sign in."
        case .suspended(let until):
            return "This account is suspended by the moderators for another \(Self.duration(until - now)), until "
                + Self.clock(until) + " UTC. You can sign in again after that."
        }
    }

    /// "2 days 3 hours", "5 hours 10 minutes", "1 minute": the two largest units.
    public static func duration(_ seconds: Double) -> String {
        let total = max(60, Int(seconds.rounded(.up)))
        let (days, hours, minutes) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60)
        func unit(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if days > 0 { return hours > 0 ? unit(days, "day") + " " + unit(hours, "hour") : unit(days, "day") }
        if hours > 0 { return minutes > 0 ? unit(hours, "hour") + " " + unit(minutes, "minute") : unit(hours, "hour") }
        return unit(max(1, minutes), "minute")
    }

    /// "5 Dec 2026, 14:00".
    public static func clock(_ epoch: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: epoch))
    }
}
