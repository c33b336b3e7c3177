/// What an admin typed into the code field: the six digits their app shows, or a recovery code.
public enum SecondFactorInput: Sendable, Equatable {
    case totp(String)
    /// Canonical (`RecoveryCode.canonical`).
    case recovery(String)

    /// Spaces are dropped ("123 456", as some apps show it); anything else that is neither form
    /// is refused before any secret is read.
    public init(typed: String, allowRecovery: Bool) throws(SecondFactorRefusal) {
        let digits = typed.filter { $0 != " " }
        if digits.count == TOTP.digits && digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            self = .totp(digits)
        } else if allowRecovery, typed.count <= 40, let code = RecoveryCode.canonical(typed) {
            self = .recovery(code)
        } else {
            throw .malformed(allowRecovery: allowRecovery)
        }
    }
}
