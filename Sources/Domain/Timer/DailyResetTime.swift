/// When a person's "today" starts over (seed 002's DailyResetTime): midnight, a whole hour, or a
/// custom HH:MM, in their zone. Stored as `personal_timers.reset_kind` and `reset_minutes`.
public enum DailyResetTime: Sendable, Equatable {
    case midnight
    /// 0–23.
    case hour(Int)
    /// Minutes after midnight, 0–1439.
    case custom(minutes: Int)

    /// Minutes after local midnight: what `DayBoundary` takes.
    public var minutes: Int {
        switch self {
        case .midnight: return 0
        case .hour(let h): return h * 60
        case .custom(let m): return m
        }
    }

    public var kind: String {
        switch self {
        case .midnight: return "midnight"
        case .hour: return "hour"
        case .custom: return "custom"
        }
    }

    /// "00:00", "07:00", "02:30".
    public var clock: String {
        let m = minutes
        return (m / 60 < 10 ? "0" : "") + String(m / 60) + ":" + (m % 60 < 10 ? "0" : "") + String(m % 60)
    }

    /// The local time as cron would say it, for `scheduled_tasks.cron_expression`.
    public var cron: String { "\(minutes % 60) \(minutes / 60) * * *" }

    /// From the two stored columns; the CHECK constraints keep them consistent, and anything
    /// else reads as midnight.
    public init(kind: String, minutes: Int) {
        switch kind {
        case "hour" where minutes % 60 == 0 && (0..<1440).contains(minutes): self = .hour(minutes / 60)
        case "custom" where (0..<1440).contains(minutes): self = .custom(minutes: minutes)
        default: self = .midnight
        }
    }

    /// From a form or JSON: `kind` is midnight, hour or custom; `hour` is 0–23 for a whole hour;
    /// `custom` is HH:MM (seed: `^([01]?[0-9]|2[0-3]):[0-5][0-9]$`).
    public static func parse(kind: String, hour: String?, custom: String?) throws(TimerSettingsProblem) -> DailyResetTime {
        switch kind {
        case "midnight":
            return .midnight
        case "hour":
            let text = (hour ?? "").trimmingASCIISpaces
            guard !text.isEmpty, text.count <= 2, text.allSatisfy({ $0.isASCII && $0.isNumber }), let h = Int(text), (0...23).contains(h) else {
                throw TimerSettingsProblem(field: "reset_hour", message: "Choose a whole hour from 0 to 23.")
            }
            return .hour(h)
        case "custom":
            guard let minutes = parseClock(custom ?? "") else {
                throw TimerSettingsProblem(field: "reset_custom", message: "Type the reset time as HH:MM, from 00:00 to 23:59.")
            }
            return .custom(minutes: minutes)
        default:
            throw TimerSettingsProblem(field: "reset_kind", message: "Choose midnight, a whole hour or a custom time for the daily reset.")
        }
    }

    /// HH:MM or H:MM, 00:00–23:59; nil otherwise.
    public static func parseClock(_ raw: String) -> Int? {
        let text = raw.trimmingASCIISpaces
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }
}

extension String {
    fileprivate var trimmingASCIISpaces: Substring {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
