import Foundation

/// The reason an admin gives for an action (shown in the audit log, and for a closed room to
/// everyone in it), or the note on a resolved report. Trimmed; at most `limit` characters; no
/// control characters but line breaks and tabs.
public struct ModerationReason: Sendable, Equatable {
    public static let limit = 500

    public let value: String

    /// `required`: an empty reason is refused too (suspensions, bans, deletions, closing a room).
    public init(validating raw: String, required: Bool) throws(ModerationRefusal) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && text.isEmpty { throw .invalid("Give a reason: it goes into the audit log.") }
        if text.count > Self.limit {
            throw .invalid("A reason can be at most \(Self.limit) characters long (this one has \(text.count)).")
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" || $0.value == 0x7F }) {
            throw .invalid("The reason contains a character that cannot be stored.")
        }
        value = text
    }
}
