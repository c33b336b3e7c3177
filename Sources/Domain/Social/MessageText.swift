/// The text of a direct message: trimmed, 1–2,000 characters, line breaks kept (as `\n`).
/// Cleaned and bounded as `TypedText` says.
public struct MessageText: Sendable, Equatable {
    public static let maxLength = 2000
    public static let maxCodePoints = 16_000

    public let value: String

    public init(validating raw: String) throws(MessageRefusal) {
        do {
            value = try TypedText.multiline(raw, maxLength: Self.maxLength, maxCodePoints: Self.maxCodePoints)
        } catch {
            switch error {
            case .hidden: throw .invalid("A message cannot contain control characters or text-direction overrides.")
            case .empty: throw .invalid("Write something first: a message cannot be empty.")
            case .tooLong(let count): throw .invalid("A message can be at most 2,000 characters long (this one has \(count)).")
            case .tooManyParts: throw .invalid("This message is too long: its characters are built of too many parts (accents, joiners).")
            }
        }
    }
}
