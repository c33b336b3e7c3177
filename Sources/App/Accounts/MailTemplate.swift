import Web

/// Every mail we send: a fixed subject, and a body rendered as plain text from
/// `Templates/mail/<raw value>.mustache`, so names and links arrive exactly as they are. Subjects
/// hold no user data: they are a header, where a line break would start another header.
public enum MailTemplate: String, Sendable, CaseIterable {
    case confirmSignUp = "confirm_sign_up"
    case signUpAgain = "sign_up_again"
    case magicLink = "magic_link"
    case resetPassword = "reset_password"
    case passwordChanged = "password_changed"
    case confirmDeletion = "confirm_deletion"
    case test

    public var subject: String {
        switch self {
        case .confirmSignUp: return "Confirm your Pomopomo account"
        case .signUpAgain: return "Someone tried to sign up with your email"
        case .magicLink: return "Your Pomopomo sign-in link"
        case .resetPassword: return "Reset your Pomopomo password"
        case .passwordChanged: return "Your Pomopomo password was changed"
        case .confirmDeletion: return "Confirm deleting your Pomopomo account"
        case .test: return "Pomopomo test mail"
        }
    }

    /// Its name in the template library (required at start-up, see `Views.requiredTemplates`).
    public var templateName: String { "mail/" + rawValue }

    /// The body. A template file ends in a newline like any text file, but a body does not
    /// (`Outbox.message` ends the message), so that one newline is dropped.
    public func body(_ context: TemplateContext, templates: TemplateLibrary) -> String {
        let text = templates.renderPlainText(templateName, context)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
