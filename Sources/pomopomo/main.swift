import App
import Domain
import ArgumentParser
import Foundation
import Logging
import Postgres
import Redis
import Web

struct Pomopomo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pomopomo: shared focus rooms. Configured by POMOPOMO_* environment variables (see README.md).",
        subcommands: [Serve.self, Migrate.self, CleanRooms.self, Admin.self, SendTestMail.self])
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Answer FastCGI requests from nginx on POMOPOMO_SOCKET.")

    func run() throws {
        let (config, logger) = try setUp()
        do {
            try Server.run(config: config, logger: logger)
        } catch {
            logger.critical("cannot serve", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations, then exit.")

    func run() throws {
        let (config, logger) = try setUp()
        do {
            let pool = PostgresPool(conninfo: config.databaseURL, size: 1)
            let applied = try Migrator(pool: pool).migrate(try Migrator.bundled())
            logger.info("migrated", metadata: ["applied": "\(applied.isEmpty ? "nothing new" : applied.joined(separator: ","))"])
        } catch {
            logger.critical("migration failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

struct CleanRooms: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean-rooms",
        abstract: "Fold expired rooms into the daily statistics, delete them and their Redis keys, then exit. Safe to run twice or concurrently.")

    func run() throws {
        let (config, logger) = try setUp()
        do {
            let started = Date()
            let redis = config.redis.map { RedisPool(address: $0) }
            let summary = try StatsStore(database: PostgresPool(conninfo: config.databaseURL, size: 2)).cleanExpiredRooms(redis: redis)
            let elapsed = Int(Date().timeIntervalSince(started) * 1000)
            print("rooms=\(summary.rooms) participants=\(summary.participants) sessions=\(summary.sessions) focus_seconds=\(summary.focusSeconds) elapsed_ms=\(elapsed)")
        } catch {
            logger.critical("clean-rooms failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

struct SendTestMail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test-mail",
        abstract: "Send one mail to ADDRESS with the configured POMOPOMO_SMTP_* settings, to check them. Exit 1 with the reason when it fails.")
    @Argument(help: "Where to send it.") var address: String

    func run() throws {
        let (config, logger) = try setUp()
        guard let to = try? EmailAddress(validating: address) else {
            FileHandle.standardError.write(Data("not an email address: \(address)\n".utf8))
            throw ExitCode(2)
        }
        do {
            let templates = try TemplateLibrary(directory: config.templatesDirectory)
            let mail = MailTemplate.test
            guard templates.has(mail.templateName) else {
                throw TemplateError(template: mail.templateName, message: "missing from \(config.templatesDirectory)")
            }
            try Outbox.deliver(config: config, logger: logger, to: to.value, subject: mail.subject,
                               body: mail.body(["base_url": .text(config.baseURL)], templates: templates))
            print(config.smtp == nil ? "no POMOPOMO_SMTP_HOST, POMOPOMO_MAIL_LOG=1: the mail went to the log" : "sent to \(to.value)")
        } catch {
            FileHandle.standardError.write(Data("sending failed: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grant or revoke the ADMIN role. There is no default admin: this is the only way to make the first one.",
        subcommands: [Grant.self, Revoke.self])

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the account with this email an admin.")
        @Argument(help: "The account's email address.") var email: String
        func run() throws { try setRole(email: email, role: "ADMIN") }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the account with this email an ordinary user again.")
        @Argument(help: "The account's email address.") var email: String
        func run() throws { try setRole(email: email, role: "USER") }
    }

    static func setRole(email: String, role: String) throws {
        let (config, logger) = try setUp()
        do {
            guard try AdminRoles.set(email: email, role: role, config: config) else {
                FileHandle.standardError.write(Data("no account uses the email address \(email)\n".utf8))
                throw ExitCode.failure
            }
            print("\(email) is now \(role)")
        } catch let error as ExitCode {
            throw error
        } catch {
            logger.critical("admin failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

func setUp() throws -> (Config, Logger) {
    let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["POMOPOMO_LOG_LEVEL"] ?? "info") ?? .info
    LoggingSystem.bootstrap { KeyValueLogHandler(label: $0, level: level) }
    let logger = Logger(label: "pomopomo")
    do {
        return (try Config.fromEnvironment(), logger)
    } catch {
        logger.critical("bad configuration", metadata: ["error": "\(error)"])
        throw ExitCode(2)
    }
}

Pomopomo.main()
