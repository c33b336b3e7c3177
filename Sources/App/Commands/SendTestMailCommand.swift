import Domain
import Foundation
import Web

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
            let config = env.config
            let templates = try TemplateLibrary(directory: config.templatesDirectory)
            let mail = MailTemplate.test
            guard templates.has(mail.templateName) else {
                throw TemplateError(template: mail.templateName, message: "missing from \(config.templatesDirectory)")
            }
            try Outbox.deliver(
                config: config, logger: env.logger, to: to.value, subject: mail.subject,
                body: mail.body(["base_url": .text(config.baseURL)], templates: templates))
            print(env.config.smtp == nil ? "no POMOPOMO_SMTP_HOST, POMOPOMO_MAIL_LOG=1: the mail went to the log" : "sent to \(to.value)")
        } catch {
            FileHandle.standardError.write(Data("sending failed: \(error)\n".utf8))
            throw CommandExit.failure
        }
    }
}
