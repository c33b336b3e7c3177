import Domain
import Foundation

/// `pomopomo send-test-mail ADDRESS`: checks the SMTP settings; exits 1 with the reason when
/// sending fails.
public enum SendTestMailCommand {
    public static func run(address: String) throws {
        let env = try CommandEnvironment.load()
        guard let to = try? EmailAddress(validating: address) else {
            FileHandle.standardError.write(Data("not an email address: \(address)\n".utf8))
            throw CommandExit.usage
        }
        do {
            try Outbox.deliver(config: env.config, logger: env.logger, to: to.value, subject: "Pomopomo test mail",
                               body: "This is a test of the mail settings of the Pomopomo at \(env.config.baseURL). It works.")
            print(env.config.smtp == nil ? "no POMOPOMO_SMTP_HOST, POMOPOMO_MAIL_LOG=1: the mail went to the log" : "sent to \(to.value)")
        } catch {
            FileHandle.standardError.write(Data("sending failed: \(error)\n".utf8))
            throw CommandExit.failure
        }
    }
}
