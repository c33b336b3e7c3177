import Foundation

/// What a segment is for. `custom` segments carry their own label.
public enum SegmentKind: String, CaseIterable, Sendable {
    case focus, `break` = "break", longBreak = "long_break", custom

    public var label: String {
        switch self {
        case .focus: return "Focus"
        case .break: return "Break"
        case .longBreak: return "Long break"
        case .custom: return "Custom"
        }
    }

    public init(validating raw: String) throws(RoomRuleProblem) {
        guard let kind = SegmentKind(rawValue: raw) else {
            throw .invalid("Choose a segment kind: focus, break, long break or custom.")
        }
        self = kind
    }
}

/// A validation failure worded for the person who typed the input.
public enum RoomRuleProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let message): return message
        }
    }
}

/// A segment's length, typed as minutes ("25") or minutes and seconds ("1:30"): 1 minute to 4 hours.
public struct SegmentDuration: Equatable, Sendable {
    public static let minSeconds = 60
    public static let maxSeconds = 4 * 3600
    public let seconds: Int

    public init(seconds: Int) throws(RoomRuleProblem) {
        guard (Self.minSeconds...Self.maxSeconds).contains(seconds) else { throw Self.outOfRange }
        self.seconds = seconds
    }

    public init(parsing raw: String) throws(RoomRuleProblem) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        func number(_ part: Substring, maxDigits: Int) -> Int? {
            guard !part.isEmpty, part.count <= maxDigits, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part)
        }
        let total: Int
        if parts.count == 1, let minutes = number(parts[0], maxDigits: 4) {
            total = minutes * 60
        } else if parts.count == 2, let minutes = number(parts[0], maxDigits: 4), parts[1].count == 2,
            let seconds = number(parts[1], maxDigits: 2), seconds < 60
        {
            total = minutes * 60 + seconds
        } else {
            throw .invalid("Type the length in minutes, like 25, or minutes and seconds, like 1:30.")
        }
        try self.init(seconds: total)
    }

    static let outOfRange = RoomRuleProblem.invalid("A segment lasts from 1 minute to 4 hours (240 minutes).")

    /// "25 min", "1 min 30 s", "2 h 5 min".
    public var text: String { Self.text(seconds) }

    public static func text(_ seconds: Int) -> String {
        let h = seconds / 3600
        let m = seconds % 3600 / 60
        let s = seconds % 60
        var parts: [String] = []
        if h > 0 { parts.append("\(h) h") }
        if m > 0 { parts.append("\(m) min") }
        if s > 0 { parts.append("\(s) s") }
        return parts.joined(separator: " ")
    }

    /// How the edit form shows it again: "25" or "1:30".
    public static func input(_ seconds: Int) -> String {
        seconds % 60 == 0 ? String(seconds / 60) : "\(seconds / 60):\(String(format: "%02d", seconds % 60))"
    }
}

/// A short line of user text (task, label, chat): same character rules as display names,
/// whitespace folded, length counted in characters.
public struct ShortText: Equatable, Sendable {
    public let value: String

    public init(validating raw: String, what: String, max: Int) throws(RoomRuleProblem) {
        for scalar in raw.unicodeScalars where DisplayName.isForbidden(scalar) {
            throw .invalid("\(what) cannot contain control, invisible or text-direction characters.")
        }
        let folded = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").precomposedStringWithCanonicalMapping
        if folded.isEmpty { throw .invalid("\(what) cannot be empty.") }
        if folded.count > max { throw .invalid("\(what) can be at most \(max) characters long (this one has \(folded.count)).") }
        value = folded
    }

    /// nil for an empty field, else the validated text.
    public static func optional(_ raw: String, what: String, max: Int) throws(RoomRuleProblem) -> ShortText? {
        if raw.allSatisfy(\.isWhitespace) { return nil }
        return try ShortText(validating: raw, what: what, max: max)
    }
}

/// The limits rooms live within.
public enum RoomLimits {
    public static let maxSegments = 100
    public static let labelLength = 40
    public static let taskLength = 200
    public static let messageLength = 500
    public static let reasonLength = 200
}

/// The room themes: the CSS knows each by its value.
public enum Theme: String, CaseIterable, Sendable {
    case midnightBloom = "midnight_bloom", forestCalm = "forest_calm", oceanDeep = "ocean_deep", sunrise

    public var label: String {
        switch self {
        case .midnightBloom: return "Midnight bloom"
        case .forestCalm: return "Forest calm"
        case .oceanDeep: return "Ocean deep"
        case .sunrise: return "Sunrise"
        }
    }

    public init(validating raw: String) throws(RoomRuleProblem) {
        guard let theme = Theme(rawValue: raw) else {
            throw .invalid("There is no theme called “\(raw)”. Choose one of: \(Theme.allCases.map(\.label).joined(separator: ", ")).")
        }
        self = theme
    }
}

/// A segment as validated from a form: kind, length, the label custom segments need, and an
/// optional public task.
public struct SegmentSpec: Equatable, Sendable {
    public let kind: SegmentKind
    public let duration: SegmentDuration
    public let label: String?
    public let publicTask: String?

    public init(kind: SegmentKind, duration: SegmentDuration, label: String?, publicTask: String?) {
        self.kind = kind
        self.duration = duration
        self.label = label
        self.publicTask = publicTask
    }

    public init(kind rawKind: String, duration rawDuration: String, label rawLabel: String, publicTask rawTask: String) throws(RoomRuleProblem) {
        kind = try SegmentKind(validating: rawKind)
        duration = try SegmentDuration(parsing: rawDuration)
        let label = try ShortText.optional(rawLabel, what: "A label", max: RoomLimits.labelLength)?.value
        if kind == .custom && label == nil { throw .invalid("A custom segment needs a label, like “Review” or “Stretch”.") }
        self.label = kind == .custom ? label : nil
        publicTask = try ShortText.optional(rawTask, what: "A public task", max: RoomLimits.taskLength)?.value
    }

    /// The classic Pomodoro: four 25-minute focus blocks with short breaks, then a long one.
    public static let classic: [SegmentSpec] = (0..<4).flatMap { i -> [SegmentSpec] in
        [
            SegmentSpec(kind: .focus, duration: try! SegmentDuration(seconds: 25 * 60), label: nil, publicTask: nil),
            i < 3
                ? SegmentSpec(kind: .break, duration: try! SegmentDuration(seconds: 5 * 60), label: nil, publicTask: nil)
                : SegmentSpec(kind: .longBreak, duration: try! SegmentDuration(seconds: 15 * 60), label: nil, publicTask: nil),
        ]
    }
}
