/// Why the second factor said no. Handlers show it on the form again (422, `role="alert"`);
/// `ErrorMapping` gives the rest their HTTP face.
public enum SecondFactorRefusal: Error, Sendable, Equatable {
    /// Not six digits (nor, where one is allowed, a recovery code).
    case malformed(allowRecovery: Bool)
    /// Not the code of this moment, nor a recovery code of this account (or one already used).
    case wrongCode
    /// The right code, but its step was used already: wait for the next one.
    case reusedCode
    /// A recovery code that was used before.
    case usedRecoveryCode
    /// The server has no key to keep secrets with (POMOPOMO_TOTP_KEY): admin pages stay shut.
    case notConfigured
    /// The account's secret does not open with the server's key (the key was changed).
    case unreadable

    public var message: String {
        switch self {
        case .malformed(true):
            return "Enter the 6-digit code your authenticator app shows, or one of your recovery codes."
        case .malformed(false):
            return "Enter the 6-digit code your authenticator app shows."
        case .wrongCode:
            return "That code is not right, or it has expired. Enter the code your app shows now (and check that your device's clock is right)."
        case .reusedCode:
            return "That code has been used already. Wait for your app to show the next one, then enter it."
        case .usedRecoveryCode:
            return "That recovery code has been used already. Each one works once: use another."
        case .notConfigured:
            return "Two-factor sign-in for admins is not set up on this server (POMOPOMO_TOTP_KEY is missing), so admin pages are closed. "
                + "The operator has to set it; see the README."
        case .unreadable:
            return "Your two-factor secret cannot be read with this server's key (was POMOPOMO_TOTP_KEY changed?). "
                + "The operator can reset it with “pomopomo admin reset-two-factor EMAIL”; you then set it up again."
        }
    }
}
