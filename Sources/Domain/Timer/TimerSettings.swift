/// A personal timer's configuration (seed 002's UserConfiguration, without the zone, which is
/// the person's one zone on /settings/preferences). Durations are kept in seconds and typed in
/// whole minutes. `parse` is the one validation for the form and the JSON API.
public struct TimerSettings: Sendable, Equatable {
    public var focusSeconds = 1500
    public var shortBreakSeconds = 300
    public var longBreakSeconds = 900
    public var longBreakInterval = 4
    public var autoStartBreaks = true
    public var autoStartFocus = false
    public var soundEnabled = true
    public var notificationsEnabled = false
    public var resetTime = DailyResetTime.midnight
    public var idleResetMinutes = 120

    /// Minutes allowed for each length (the migration's CHECKs say the same in seconds).
    public static let focusMinutes = 1...240
    public static let shortBreakMinutes = 1...60
    public static let longBreakMinutes = 1...120
    public static let intervals = 1...12
    public static let idleMinutes = 5...1440

    public init() {}

    /// The seconds a phase lasts.
    public func seconds(of phase: TimerPhase) -> Int {
        switch phase {
        case .focus: return focusSeconds
        case .shortBreak: return shortBreakSeconds
        case .longBreak: return longBreakSeconds
        }
    }

    /// Reads the fields by name (form field = JSON key), starting from `current` so that a
    /// field left out keeps its value (the JSON API's partial PUT; the form sends them all).
    /// Booleans come as "on"/"true"/"1" or "off"/"false"/"0". The first problem is thrown.
    public static func parse(_ field: (String) -> String?, current: TimerSettings) throws(TimerSettingsProblem) -> TimerSettings {
        var s = current
        func minutes(_ name: String, _ range: ClosedRange<Int>, _ what: String) throws(TimerSettingsProblem) -> Int? {
            guard let raw = field(name) else { return nil }
            let text = raw.filter { $0 != " " }
            guard !text.isEmpty, text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(text), range.contains(n) else {
                throw TimerSettingsProblem(
                    field: name, message: "\(what) must be a whole number of minutes from \(range.lowerBound) to \(range.upperBound).")
            }
            return n
        }
        func flag(_ name: String) throws(TimerSettingsProblem) -> Bool? {
            guard let raw = field(name) else { return nil }
            switch raw.lowercased() {
            case "on", "true", "1", "yes": return true
            case "off", "false", "0", "no", "": return false
            default: throw TimerSettingsProblem(field: name, message: "\(name) must be true or false.")
            }
        }
        if let m = try minutes("focus_minutes", focusMinutes, "Focus") { s.focusSeconds = m * 60 }
        if let m = try minutes("short_break_minutes", shortBreakMinutes, "The short break") { s.shortBreakSeconds = m * 60 }
        if let m = try minutes("long_break_minutes", longBreakMinutes, "The long break") { s.longBreakSeconds = m * 60 }
        if let raw = field("long_break_interval") {
            let text = raw.filter { $0 != " " }
            guard text.count <= 2, text.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(text), intervals.contains(n) else {
                throw TimerSettingsProblem(
                    field: "long_break_interval",
                    message: "The long break comes after a whole number of focus sessions, from \(intervals.lowerBound) to \(intervals.upperBound).")
            }
            s.longBreakInterval = n
        }
        if let b = try flag("auto_start_breaks") { s.autoStartBreaks = b }
        if let b = try flag("auto_start_focus") { s.autoStartFocus = b }
        if let b = try flag("sound_enabled") { s.soundEnabled = b }
        if let b = try flag("notifications_enabled") { s.notificationsEnabled = b }
        if let kind = field("reset_kind") {
            s.resetTime = try DailyResetTime.parse(kind: kind, hour: field("reset_hour"), custom: field("reset_custom"))
        }
        if let m = try minutes("idle_reset_minutes", idleMinutes, "The idle time before the cycle starts over") { s.idleResetMinutes = m }
        return s
    }
}
