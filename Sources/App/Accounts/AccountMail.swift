import Domain
import Foundation
import Postgres
import Web

/// What we mail people, and the job step that turns "send me a link" requests into mail.
enum AccountMail {
    /// What someone asked us to mail an address.
    enum Request {
        /// A sign-up: the name, the password's hash and the browser that typed it travel in the link.
        case signUp(username: String, passwordHash: String?, session: [UInt8]?)
        case magic
        case reset

        var kind: MailRequestKind {
            switch self {
            case .signUp: return .signUp
            case .magic: return .magic
            case .reset: return .reset
            }
        }
    }

    /// Records a request; the job answers it. The same single INSERT whatever the address.
    static func request(_ request: Request, email: String, on conn: PostgresConnection) throws {
        var (username, hash, session): (String?, String?, ByteA?) = (nil, nil, nil)
        if case .signUp(let name, let passwordHash, let browser) = request {
            (username, hash, session) = (name, passwordHash, browser.map { ByteA($0) })
        }
        try conn.query(
            """
            INSERT INTO mail_requests (email, purpose, password_hash, username, session_hash) VALUES ($1, $2, $3, $4, $5)
            """, [email, request.kind.rawValue, hash, username, session])
    }

    /// Answers pending requests (SKIP LOCKED, so responders share the work); returns how many.
    static func answerRequests(services: Services, limit: Int = 50) throws -> Int {
        try services.database.transaction { conn in
            let rows = try conn.query(
                """
                DELETE FROM mail_requests WHERE id IN (
                    SELECT id FROM mail_requests ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING email, purpose, password_hash, username, session_hash
                """, [limit])
            let users = UserStore(database: services.database)
            let base = services.config.baseURL
            let templates = services.templates
            for row in rows {
                guard let kind = MailRequestKind(stored: row.string(1)) else { continue }
                let account = try users.find(email: row.string(0), on: conn)
                if kind == .signUp, account?.emailVerified != true, let username = row[3] {
                    // A new (or never proven) address: the link carries the sign-up.
                    let token = try MailToken.issueSignUp(
                        email: row.string(0), username: username, passwordHash: row[2],
                        sessionHash: row[4] == nil ? nil : row.bytes(4), on: conn)
                    try Outbox.enqueue(
                        .confirmSignUp, to: row.string(0),
                        [
                            "name": .text(username), "link": .text(MailToken.link(.verify, token: token, base: base)),
                        ], templates: templates, on: conn)
                    continue
                }
                // No account: nothing else is sent (we do not mail strangers on a stranger's say-so).
                guard let account else { continue }
                switch kind {
                case .signUp:
                    try Outbox.enqueue(
                        .signUpAgain, to: account.email, ["name": .text(account.displayName), "base_url": .text(base)],
                        templates: templates, on: conn)
                case .magic:
                    try sendLink(.magicLink, .magic, to: account, base: base, templates: templates, on: conn)
                case .reset:
                    try sendLink(.resetPassword, .reset, to: account, base: base, templates: templates, on: conn)
                }
            }
            return rows.count
        }
    }

    static func passwordChanged(_ account: Account, services: Services, on conn: PostgresConnection) throws {
        try Outbox.enqueue(
            .passwordChanged, to: account.email,
            ["name": .text(account.displayName), "base_url": .text(services.config.baseURL)],
            templates: services.templates, on: conn)
    }

    static func confirmDeletion(_ account: Account, services: Services, on conn: PostgresConnection) throws {
        try sendLink(.confirmDeletion, .delete, to: account, base: services.config.baseURL, templates: services.templates, on: conn)
    }

    /// A mail whose link acts on the account, with a fresh token for that purpose.
    private static func sendLink(
        _ mail: MailTemplate, _ purpose: MailPurpose, to account: Account, base: String,
        templates: TemplateLibrary, on conn: PostgresConnection
    ) throws {
        let token = try MailToken.issue(purpose, userID: account.id, on: conn)
        try Outbox.enqueue(
            mail, to: account.email,
            [
                "name": .text(account.displayName), "link": .text(MailToken.link(purpose, token: token, base: base)),
            ], templates: templates, on: conn)
    }
}
