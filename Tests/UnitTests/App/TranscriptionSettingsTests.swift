import Testing

@testable import App

/// POMOPOMO_TRANSCRIBE*: what a responder reads, and the mistakes it refuses at start-up.
@Suite("Transcription settings")
struct TranscriptionSettingsTests {
    @Test func defaultsRunPocketsphinx() throws {
        let settings = try TranscriptionSettings.fromEnvironment([:])
        #expect(settings.enabled && settings.command == nil && settings.timeLimit == 300 && settings.attempts == 4)
        #expect(Transcriber(settings: settings).engine.first == "/usr/bin/pocketsphinx_continuous")
        #expect(Transcriber(settings: settings).engine.last == "-infile", "the WAV's path comes last")
    }

    @Test func anotherEngineAndItsFixedArguments() throws {
        let settings = try TranscriptionSettings.fromEnvironment([
            "POMOPOMO_TRANSCRIBE": "off", "POMOPOMO_TRANSCRIBE_COMMAND": "/bin/echo  --model small",
            "POMOPOMO_TRANSCRIBE_SECONDS": "60", "POMOPOMO_TRANSCRIBE_ATTEMPTS": "2",
        ])
        #expect(!settings.enabled)
        #expect(settings.command == ["/bin/echo", "--model", "small"], "split at spaces, no shell, no quoting")
        #expect(Transcriber(settings: settings).engine == ["/bin/echo", "--model", "small"])
        #expect(settings.timeLimit == 60 && settings.attempts == 2)
    }

    @Test(arguments: [
        ["POMOPOMO_TRANSCRIBE": "yes"],
        ["POMOPOMO_TRANSCRIBE_COMMAND": "whisper"],
        ["POMOPOMO_TRANSCRIBE_COMMAND": "/no/such/engine"],
        ["POMOPOMO_TRANSCRIBE_COMMAND": "/etc/passwd"],
        ["POMOPOMO_TRANSCRIBE_COMMAND": "sh -c 'rm -rf /'"],
        ["POMOPOMO_TRANSCRIBE_SECONDS": "0"],
        ["POMOPOMO_TRANSCRIBE_SECONDS": "ten"],
        ["POMOPOMO_TRANSCRIBE_ATTEMPTS": "0"],
    ])
    func mistakesStopTheStart(_ env: [String: String]) {
        #expect(throws: Config.Problem.self) { try TranscriptionSettings.fromEnvironment(env) }
    }
}
