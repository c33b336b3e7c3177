import Foundation

/// Speech-to-text for voice notes, as the environment sets it (README's configuration table).
public struct TranscriptionSettings: Sendable {
    /// POMOPOMO_TRANSCRIBE=off: this responder runs no transcription jobs; notes wait (saying
    /// "transcribing…") for a responder that does.
    public var enabled: Bool
    /// POMOPOMO_TRANSCRIBE_COMMAND split at spaces: another engine and its fixed arguments (see
    /// `Transcriber` for the contract); nil runs pocketsphinx.
    public var command: [String]?
    /// POMOPOMO_TRANSCRIBE_SECONDS: how long the engine may take over one note before it is
    /// killed (the attempt then counts as failed).
    public var timeLimit: Int
    /// POMOPOMO_TRANSCRIBE_ATTEMPTS: tries before a note is marked failed (`TranscriptionRetry`).
    public var attempts: Int

    public static let defaults = TranscriptionSettings(enabled: true, command: nil, timeLimit: 300, attempts: 4)

    /// Reads only the variables above, so `pomopomo journal transcribe` needs no database.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> TranscriptionSettings {
        func int(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = env[key], !text.isEmpty else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw Config.Problem(description: "\(key) must be a whole number in \(range.lowerBound)...\(range.upperBound), got “\(text)”")
            }
            return value
        }
        var settings = defaults
        switch env["POMOPOMO_TRANSCRIBE"] ?? "" {
        case "", "on": settings.enabled = true
        case "off": settings.enabled = false
        case let other: throw Config.Problem(description: "POMOPOMO_TRANSCRIBE must be “on” or “off”, got “\(other)”")
        }
        if let text = env["POMOPOMO_TRANSCRIBE_COMMAND"], !text.isEmpty {
            let words = text.split(separator: " ").map(String.init)
            // No shell reads it, so no quoting: a program that needs more writes a small wrapper.
            guard let program = words.first, program.hasPrefix("/"), FileManager.default.isExecutableFile(atPath: program) else {
                throw Config.Problem(
                    description:
                        "POMOPOMO_TRANSCRIBE_COMMAND must start with the absolute path of an executable (arguments after it, separated by spaces), got “\(text)”"
                )
            }
            settings.command = words
        }
        settings.timeLimit = try int("POMOPOMO_TRANSCRIBE_SECONDS", defaults.timeLimit, 5...3600)
        settings.attempts = try int("POMOPOMO_TRANSCRIBE_ATTEMPTS", defaults.attempts, 1...20)
        return settings
    }
}
