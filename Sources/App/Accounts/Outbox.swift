import Curl
import Foundation
import Logging
import Postgres
import Web

/// Mail waits in the outbox table, written in the same transaction as the change it is about,
/// and a job in every responder sends it. A slow or absent mail server therefore never slows a
/// request, and the reply to "send me a link" takes the same time whether or not a mail goes.
public enum Outbox {
    static func enqueue(
        _ mail: MailTemplate, to recipient: String, _ context: TemplateContext, templates: TemplateLibrary,
        on conn: PostgresConnection
    ) throws {
        try conn.query(
            "INSERT INTO outbox (recipient, subject, body) VALUES ($1, $2, $3)",
            [recipient, mail.subject, mail.body(context, templates: templates)])
    }

    /// RFC 5322 message with a UTF-8 text body. Header values are ours or validated addresses;
    /// control characters in them still become spaces, so nothing can end a header and start another.
    static func message(from: String, to: String, subject: String, body: String, date: Date = Date()) -> [UInt8] {
        let (from, to, subject) = (oneLine(from), oneLine(to), oneLine(subject))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let lines = [
            "From: Pomopomo <\(from)>", "To: <\(to)>", "Subject: \(subject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "",
        ]
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Array((lines.joined(separator: "\r\n") + "\r\n" + text + "\r\n").utf8)
    }

    static func oneLine(_ header: String) -> String {
        String(String.UnicodeScalarView(header.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// Sends what is due, one message per transaction; returns how many went out. A message that
    /// fails is retried with growing pauses (up to a day), and its body is blanked once sent so
    /// the links in it do not linger in the database.
    static func sendDue(services: Services, limit: Int = 20) throws -> Int {
        // Nowhere to send it: the mail waits in the outbox until a mail server is configured.
        guard services.config.smtp != nil || services.config.mailLog else { return 0 }
        var sent = 0
        for _ in 0..<limit {
            let more = try services.database.transaction { conn -> Bool in
                guard
                    let row = try conn.query(
                        """
                        SELECT id, recipient, subject, body, attempts FROM outbox
                        WHERE sent_at IS NULL AND next_try_at <= now() ORDER BY next_try_at LIMIT 1 FOR UPDATE SKIP LOCKED
                        """
                    ).first
                else { return false }
                let (id, to, subject, body) = (row.string(0), row.string(1), row.string(2), row.string(3))
                do {
                    try deliver(services: services, to: to, subject: subject, body: body)
                    try conn.query("UPDATE outbox SET sent_at = now(), body = '', last_error = NULL WHERE id = $1", [id])
                    sent += 1
                } catch {
                    let pause = min(86_400, 5 << min(row.int(4), 14))
                    try conn.query(
                        """
                        UPDATE outbox SET attempts = attempts + 1, next_try_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1
                        """, [id, pause, String(describing: error).prefix(500).description])
                    services.logger.warning("mail not sent", metadata: ["to": "\(to)", "error": "\(error)", "retry_in_s": "\(pause)"])
                }
                return true
            }
            if !more { break }
        }
        return sent
    }

    private static func deliver(services: Services, to: String, subject: String, body: String) throws {
        try deliver(config: services.config, logger: services.logger, to: to, subject: subject, body: body)
    }

    struct NoMailServer: Error, CustomStringConvertible {
        var description: String { "no POMOPOMO_SMTP_HOST is set (and POMOPOMO_MAIL_LOG=1 is not)" }
    }

    /// One message straight to the mail server, or to the log when POMOPOMO_MAIL_LOG=1 asks for
    /// that (development only: the links in it are live).
    public static func deliver(config: Config, logger: Logger, to: String, subject: String, body: String) throws {
        guard let smtp = config.smtp else {
            guard config.mailLog else { throw NoMailServer() }
            logger.info("mail", metadata: ["to": "\(to)", "subject": "\(subject)", "body": "\(body)"])
            return
        }
        try Curl.sendMail(
            server: smtp, from: config.mailFrom, to: to,
            message: message(from: config.mailFrom, to: to, subject: subject, body: body))
    }

    /// The outbox for `/metrics` (outbox_due_idx): unsent mail due now, unsent mail waiting for
    /// its next try after a failure, and how long the oldest due one has waited.
    static func backlog(on conn: PostgresConnection) throws -> QueueDepth {
        QueueDepth(
            row: try conn.query(
                """
                SELECT count(*) FILTER (WHERE next_try_at <= now()), count(*) FILTER (WHERE next_try_at > now()),
                       coalesce(extract(epoch FROM now() - min(next_try_at) FILTER (WHERE next_try_at <= now())), 0)::float8
                FROM outbox WHERE sent_at IS NULL
                """
            ).first)
    }
}
