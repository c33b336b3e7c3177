import Domain
import Foundation
import Logging
import Postgres

/// Speech-to-text for voice notes, in every responder (unless POMOPOMO_TRANSCRIBE=off): once a
/// second, takes the note waiting longest (`TranscriptionQueue.claim`, SKIP LOCKED: each job
/// goes to one responder) and runs the engine on it outside any request and transaction, one
/// note at a time per responder, so a slow transcription holds nothing but this thread and two
/// responders never run more than two engines. The words go into the journal as a
/// `transcriptSet(source: .engine)` event (never over the owner's edit: the projection keeps
/// theirs), and the owner's live channel moves so an open page shows them. A failed attempt is
/// tried again later (`TranscriptionRetry`); after the last one, or when no words could be made
/// out, a `transcriptFailed` event ends "transcribing…". Jobs whose note is gone are dropped.
final class TranscriptionJobs: Sendable {
    static let interval: TimeInterval = 1
    /// Jobs one tick may take before sleeping again (each ends the tick early when none is due).
    static let jobsPerTick = 20

    /// What became of one job.
    enum Result: String, Sendable, Equatable {
        case transcribed
        /// The engine heard nothing it could make out: an answer, not retried.
        case noWords
        case retrying
        case failed
        /// The note was deleted, or its owner typed the transcript first.
        case dropped
        /// While the engine ran, the job stopped being this attempt's (the owner typed the
        /// transcript, or the lease ran out and another responder took it): nothing written.
        case superseded
    }

    struct Ran: Sendable {
        let claim: TranscriptionQueue.Claim
        let result: Result
        let reason: String?
        /// The owner's channel, to wake once committed.
        let wakes: [(channel: String, version: Int)]
    }

    private let services: Services
    private let transcriber: Transcriber
    private let retry: TranscriptionRetry
    private let thread: JobThread

    init(services: Services) {
        self.services = services
        transcriber = Transcriber(settings: services.config.transcription)
        retry = TranscriptionRetry(attempts: services.config.transcription.attempts)
        thread = JobThread(name: "transcription", interval: Self.interval, logger: services.logger)
    }

    func start() {
        guard services.config.transcription.enabled else {
            services.logger.info("transcription is off in this responder (POMOPOMO_TRANSCRIBE=off): voice notes wait for another")
            return
        }
        let program = transcriber.engine[0]
        for needed in [Transcriber.ffmpeg, program] where !FileManager.default.isExecutableFile(atPath: needed) {
            services.logger.warning("voice notes cannot be transcribed: \(needed) is missing (scripts/deps.sh installs it)")
        }
        thread.start { [self] in tick() }
    }

    func stop() { thread.stop() }

    private func tick() {
        thread.attempt("transcribe") {
            for _ in 0..<Self.jobsPerTick {
                guard
                    let ran = try Self.runOne(
                        database: services.database, directory: VoiceNoteFiles.directory(services), transcriber: transcriber, retry: retry)
                else { break }
                UserChannel.announce(ran.wakes, services: services)
                services.logger.info(
                    "voice note transcription",
                    metadata: [
                        "audio": "\(ran.claim.audioID)", "attempt": "\(ran.claim.attempt)", "result": "\(ran.result.rawValue)",
                        "reason": "\(ran.reason ?? "")",
                    ])
            }
        }
    }

    /// How long a claim keeps other responders off a job: longer than the conversion and the
    /// engine may take together.
    static func lease(_ transcriber: Transcriber) -> Int { transcriber.settings.timeLimit + Int(Transcriber.conversionTimeLimit) + 60 }

    /// Takes one due job, runs the engine on its note (files under `directory`) and writes what
    /// came of it; nil when no job is due. The caller announces `wakes`.
    static func runOne(
        database: PostgresPool, directory: String, transcriber: Transcriber, retry: TranscriptionRetry, now: () -> Date = Date.init
    ) throws -> Ran? {
        let claimed = now().timeIntervalSince1970
        guard let claim = try database.transaction({ try TranscriptionQueue.claim(now: claimed, leaseSeconds: lease(transcriber), on: $0) }) else {
            return nil
        }
        let audio = try database.withConnection { try TranscriptStore.audio(claim.audioID, userID: claim.userID, on: $0) }
        guard let audio, audio.source != .owner, VoiceNoteFiles.isStoredName(audio.file) else {
            _ = try database.transaction { try TranscriptionQueue.finish(claim, on: $0) }
            return Ran(claim: claim, result: .dropped, reason: nil, wakes: [])
        }

        let heard: Swift.Result<String, Transcriber.Failure>
        do { heard = .success(try transcriber.transcribe(path: directory + "/" + audio.file)) } catch { heard = .failure(error) }

        return try database.transaction { conn in
            try TranscriptStore.lockOwner(claim.userID, on: conn)
            guard try TranscriptStore.audio(claim.audioID, userID: claim.userID, on: conn) != nil else {
                _ = try TranscriptionQueue.finish(claim, on: conn)
                return Ran(claim: claim, result: .dropped, reason: nil, wakes: [])
            }
            let event: JournalEvent
            let result: Result
            var reason: String? = nil
            switch heard {
            case .success(let text) where !text.isEmpty:
                (event, result) = (.transcriptSet(audio: claim.audioID, text: text, source: .engine), .transcribed)
            case .success:
                reason = "no words could be made out"
                (event, result) = (.transcriptFailed(audio: claim.audioID, reason: reason!), .noWords)
            case .failure(let failure):
                reason = failure.description
                if let delay = retry.delay(afterAttempt: claim.attempt) {
                    let due = now().timeIntervalSince1970 + delay
                    let mine = try TranscriptionQueue.retry(claim, at: due, error: failure.description, on: conn)
                    return Ran(claim: claim, result: mine ? .retrying : .superseded, reason: reason, wakes: [])
                }
                (event, result) = (.transcriptFailed(audio: claim.audioID, reason: failure.description), .failed)
            }
            guard try TranscriptionQueue.finish(claim, on: conn) else {
                return Ran(claim: claim, result: .superseded, reason: reason, wakes: [])
            }
            try JournalLog.append(event, userID: claim.userID, at: now(), on: conn)
            if case .transcriptSet(_, let text, _) = event {
                try TranscriptCategories.choose(from: text, audioID: claim.audioID, userID: claim.userID, at: now(), on: conn)
            }
            return Ran(claim: claim, result: result, reason: reason, wakes: try UserChannel.bump([claim.userID], on: conn))
        }
    }
}
