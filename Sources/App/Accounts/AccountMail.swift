import Foundation
import Postgres

/// What we mail people, and the job step that turns "send me a link" requests into mail.
enum AccountMail {
    static let confirmSubject = "Confirm your Pomopomo account"
    static let signUpAgainSubject = "Someone tried to sign up with your email"
    static let magicSubject = "Your Pomopomo sign-in link"
    static let resetSubject = "Reset your Pomopomo password"
    static let passwordChangedSubject = "Your Pomopomo password was changed"
    static let deleteSubject = "Confirm deleting your Pomopomo account"

    /// What someone asked us to mail an address.
    enum Request {
        /// A sign-up: the name, the password's hash and the browser that typed it travel in the link.
        case signUp(username: String, passwordHash: String?, session: [UInt8]?)
        case magic
        case reset

        var purpose: String {
            switch self {
            case .signUp: return "signup"
            case .magic: return "magic"
            case .reset: return "reset"
            }
        }
    }

    /// Records a request; the job answers it. The same single INSERT whatever the address.
    static func request(_ request: Request, email: String, on conn: PostgresConnection) throws {
        var (username, hash, session): (String?, String?, ByteA?) = (nil, nil, nil)
        if case .signUp(let name, let passwordHash, let browser) = request {
            (username, hash, session) = (name, passwordHash, browser.map { ByteA($0) })
        }
        try conn.query("""
            INSERT INTO mail_requests (email, purpose, password_hash, username, session_hash) VALUES ($1, $2, $3, $4, $5)
            """, [email, request.purpose, hash, username, session])
    }

    /// Answers pending requests (SKIP LOCKED, so responders share the work); returns how many.
    static func answerRequests(services: Services, limit: Int = 50) throws -> Int {
        try services.database.transaction { conn in
            let rows = try conn.query("""
                DELETE FROM mail_requests WHERE id IN (
                    SELECT id FROM mail_requests ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING email, purpose, password_hash, username, session_hash
                """, [limit])
            let users = UserStore(database: services.database)
            let base = services.config.baseURL
            for row in rows {
                let account = try users.find(email: row.string(0), on: conn)
                if row.string(1) == "signup", account?.emailVerified != true, let username = row[3] {
                    // A new (or never proven) address: the link carries the sign-up.
                    let token = try MailToken.issueSignUp(email: row.string(0), username: username, passwordHash: row[2],
                                                          sessionHash: row[4] == nil ? nil : row.bytes(4), on: conn)
                    try Outbox.enqueue(to: row.string(0), subject: confirmSubject, body: """
                        Hello \(username),

                        Please confirm your email address to finish signing up for Pomopomo:

                        \(base)/auth/verify?token=\(token)

                        The link works once, for 24 hours. If you did not sign up, ignore this mail.
                        """, on: conn)
                    continue
                }
                // No account: nothing else is sent (we do not mail strangers on a stranger's say-so).
                guard let account else { continue }
                switch row.string(1) {
                case "signup":
                    try Outbox.enqueue(to: account.email, subject: signUpAgainSubject, body: """
                        Hello \(account.displayName),

                        Someone (perhaps you) tried to sign up for Pomopomo with this email address, but it
                        already has an account. You can sign in here:

                        \(base)/login

                        Forgot your password? Reset it here:

                        \(base)/password/forgot

                        If this was not you, you can ignore this mail; nothing has changed.
                        """, on: conn)
                case "magic":
                    let token = try MailToken.issue(.magic, userID: account.id, on: conn)
                    try Outbox.enqueue(to: account.email, subject: magicSubject, body: """
                        Hello \(account.displayName),

                        Sign in to Pomopomo with this link:

                        \(base)/auth/magic?token=\(token)

                        It works once, for 15 minutes. If you did not ask for it, ignore this mail.
                        """, on: conn)
                case "reset":
                    let token = try MailToken.issue(.reset, userID: account.id, on: conn)
                    try Outbox.enqueue(to: account.email, subject: resetSubject, body: """
                        Hello \(account.displayName),

                        Choose a new Pomopomo password here:

                        \(base)/auth/reset?token=\(token)

                        The link works once, for one hour. If you did not ask for it, ignore this mail;
                        your password has not changed.
                        """, on: conn)
                default:
                    continue
                }
            }
            return rows.count
        }
    }

    static func passwordChanged(_ account: Account, base: String, on conn: PostgresConnection) throws {
        try Outbox.enqueue(to: account.email, subject: passwordChangedSubject, body: """
            Hello \(account.displayName),

            The password of your Pomopomo account was just changed, and every other device was signed out.

            If this was not you, reset your password now and check your sessions:

            \(base)/password/forgot
            """, on: conn)
    }

    static func confirmDeletion(_ account: Account, base: String, on conn: PostgresConnection) throws {
        let token = try MailToken.issue(.delete, userID: account.id, on: conn)
        try Outbox.enqueue(to: account.email, subject: deleteSubject, body: """
            Hello \(account.displayName),

            To delete your Pomopomo account and everything in it, open this link and confirm:

            \(base)/auth/delete?token=\(token)

            The link works once, for one hour. If you did not ask for this, ignore this mail.
            """, on: conn)
    }
}
