/// Why a personal timer setting was refused: which field, and what to type instead. Thrown by
/// the Domain parsers; a 422 that keeps what was typed (a JSON `invalid_field` on the API).
public struct TimerSettingsProblem: Error, Equatable, Sendable {
    /// The form field (and JSON key) at fault.
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
