import Domain
import Foundation
import Postgres
import Testing

@testable import App

/// The transcription queue and its job, against the real PostgreSQL, with engines that are small
/// scripts (`POMOPOMO_TRANSCRIBE_COMMAND`'s contract) so each outcome can be had at will. Every
/// job here is due in January 2000 and claimed at that time, so no other job (and no responder)
/// is ever taken by these tests, nor theirs by anyone else.
@Suite("Transcription jobs", .serialized, TestEnvironment.requirement)
struct TranscriptionJobTests {
    let pool = TestEnvironment.pool
    /// 2000-01-01 00:00 UTC: when the tests' jobs fall due.
    static let epoch = 946_684_800.0
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.path + "/pomopomo-transcription-tests-" + JournalEvent.newID()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func account() throws -> String {
        let tag = String(UUID().uuidString.prefix(8)).lowercased()
        return try pool.query(
            "INSERT INTO users (email, username, display_name, email_verified_at) VALUES ($1, $2, $2, now()) RETURNING id",
            ["tx-\(tag)@example.test", "tx-\(tag)"]
        ).first!.string(0)
    }

    /// A second of silence as 8 kHz stereo WAV, which ffmpeg must turn into 16 kHz mono.
    func wav() -> Data {
        let frames = 8000
        var data = Data("RIFF".utf8)
        func le32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func le16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        le32(36 + frames * 4)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        le32(16)
        le16(1)
        le16(2)
        le32(8000)
        le32(8000 * 4)
        le16(4)
        le16(16)
        data.append(contentsOf: Array("data".utf8))
        le32(frames * 4)
        data.append(Data(count: frames * 4))
        return data
    }

    /// A voice note recorded (the projection makes its row) with its job due in 2000.
    func note(_ userID: String, writeFile: Bool = true) throws -> String {
        let audio = JournalEvent.newID()
        let file = audio.replacingOccurrences(of: "-", with: "") + ".wav"
        if writeFile { try wav().write(to: URL(fileURLWithPath: directory + "/" + file)) }
        try pool.transaction { conn in
            try JournalLog.append(
                .audioRecorded(audio: audio, file: file, mime: "audio/wav", bytes: 32_044, durationSeconds: 1), userID: userID,
                at: Date(timeIntervalSince1970: Self.epoch), on: conn)
            try conn.query(
                "INSERT INTO transcription_jobs (audio_id, user_id, queued_at, run_after) VALUES ($1, $2, to_timestamp($3), to_timestamp($3))",
                [audio, userID, String(Self.epoch)])
        }
        return audio
    }

    /// An engine: a shell script whose body is `body` (it gets the WAV's path as $1).
    func engine(_ body: String, attempts: Int = 3, timeLimit: Int = 20) throws -> (Transcriber, TranscriptionRetry) {
        let path = directory + "/engine-" + JournalEvent.newID() + ".sh"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        let settings = TranscriptionSettings(enabled: true, command: [path], timeLimit: timeLimit, attempts: attempts)
        return (Transcriber(settings: settings), TranscriptionRetry(attempts: attempts))
    }

    func run(_ engine: (Transcriber, TranscriptionRetry), at seconds: Double = epoch + 1) throws -> TranscriptionJobs.Ran? {
        try TranscriptionJobs.runOne(
            database: pool, directory: directory, transcriber: engine.0, retry: engine.1, now: { Date(timeIntervalSince1970: seconds) })
    }

    func stored(_ audio: String) throws -> (status: String, transcript: String?, source: String?) {
        let row = try pool.query("SELECT transcript_status, transcript, transcript_source FROM audio_assets WHERE id = $1", [audio]).first!
        return (row.string(0), row[1], row[2])
    }

    func job(_ audio: String) throws -> (attempts: Int, runAfter: Double, error: String?)? {
        try pool.query(
            "SELECT attempts, extract(epoch FROM run_after)::float8, last_error FROM transcription_jobs WHERE audio_id = $1", [audio]
        ).first.map { ($0.int(0), Double($0.string(1)) ?? 0, $0[2]) }
    }

    /// The owner's events as "kind words-or-reason".
    func events(_ userID: String) throws -> [String] {
        try pool.query(
            "SELECT kind || ' ' || coalesce(payload->>'text', payload->>'reason', '') FROM journal_events WHERE user_id = $1 ORDER BY id", [userID]
        ).map { $0.string(0) }
    }

    /// Jobs a test left behind would be due for the next one.
    func cleanUp(_ userID: String) {
        _ = try? pool.query("DELETE FROM transcription_jobs WHERE user_id = $1", [userID])
    }

    func liveVersion(_ userID: String) throws -> Int {
        try pool.query("SELECT live_v FROM users WHERE id = $1", [userID]).first!.int(0)
    }

    @Test func theEngineGetsA16kHzMonoWAVAndItsWordsBecomeTheTranscript() throws {
        let user = try account()
        defer { cleanUp(user) }
        let audio = try note(user)
        let seen = directory + "/seen.wav"
        let before = try liveVersion(user)
        let ran = try run(try engine("cp \"$1\" '\(seen)'\nprintf 'the door\\n\\nrang  again\\n'"))
        #expect(ran?.result == .transcribed)
        #expect(ran?.claim.attempt == 1)
        #expect(try stored(audio) == ("done", "the door rang again", "engine"))
        #expect(try job(audio) == nil, "the job is done")
        #expect(try events(user).last == "transcript_set the door rang again")
        #expect(try liveVersion(user) > before, "the owner's open pages are woken")
        #expect(ran?.wakes.map { $0.channel } == [UserChannel.name(user)])

        let header = try Data(contentsOf: URL(fileURLWithPath: seen)).prefix(44)
        func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(header[at + $1]) << (8 * $1) } }
        #expect(String(decoding: header.prefix(4), as: UTF8.self) == "RIFF")
        #expect(le(22, 2) == 1, "mono")
        #expect(le(24, 4) == 16_000, "16 kHz")
        #expect(le(34, 2) == 16, "16-bit")
        #expect(try run(try engine("echo never")) == nil, "nothing else is due")
    }

    @Test func aFailedAttemptIsRetriedLaterThenTheNoteIsMarkedFailed() throws {
        let user = try account()
        defer { cleanUp(user) }
        let audio = try note(user)
        let broken = try engine("echo 'segfault' >&2\nexit 3", attempts: 3)
        var ran = try run(broken)
        #expect(ran?.result == .retrying)
        #expect(ran?.reason == "the engine exited with status 3")
        var queued = try #require(try job(audio))
        #expect(queued.attempts == 1 && queued.runAfter == Self.epoch + 1 + 30, "tried again 30 s later")
        #expect(queued.error == "the engine exited with status 3")
        #expect(try stored(audio).status == "pending", "still transcribing… meanwhile")
        #expect(try run(broken, at: Self.epoch + 30) == nil, "not due before its time")

        ran = try run(broken, at: Self.epoch + 32)
        #expect(ran?.result == .retrying && ran?.claim.attempt == 2)
        queued = try #require(try job(audio))
        #expect(queued.runAfter == Self.epoch + 32 + 120)

        let before = try liveVersion(user)
        ran = try run(broken, at: Self.epoch + 200)
        #expect(ran?.result == .failed && ran?.claim.attempt == 3)
        #expect(try job(audio) == nil)
        #expect(try stored(audio).status == "failed")
        #expect(try events(user).last == "transcript_failed the engine exited with status 3")
        #expect(try liveVersion(user) > before)
    }

    @Test func anEngineThatHangsOrFloodsIsStoppedAndCountsAsAFailedAttempt() throws {
        let user = try account()
        defer { cleanUp(user) }
        let audio = try note(user)
        let started = Date()
        var ran = try run(try engine("sleep 30 & sleep 30", timeLimit: 2))
        #expect(ran?.result == .retrying && ran?.reason == "the engine took longer than 2 s")
        #expect(Date().timeIntervalSince(started) < 15, "killed at the limit, its background child too")
        ran = try run(try engine("yes focus"), at: Self.epoch + 40)
        #expect(ran?.result == .retrying && ran?.reason == "the engine printed more than 256 KiB")
        #expect(try stored(audio).status == "pending")
    }

    @Test func noWordsIsAnAnswerNotAFailure() throws {
        let user = try account()
        defer { cleanUp(user) }
        let audio = try note(user)
        let ran = try run(try engine("echo; echo '   '"))
        #expect(ran?.result == .noWords)
        #expect(try job(audio) == nil, "not retried")
        #expect(try stored(audio) == ("failed", nil, nil))
        #expect(try events(user).last == "transcript_failed no words could be made out")
    }

    @Test func aNoteDeletedOrWhoseFileIsGoneIsHandled() throws {
        let user = try account()
        defer { cleanUp(user) }
        let gone = try note(user)
        try pool.transaction { try JournalLog.append(.audioDeleted(audio: gone), userID: user, at: Date(), on: $0) }
        let ran = try run(try engine("echo should not run; exit 9"))
        #expect(ran?.result == .dropped)
        #expect(try job(gone) == nil, "a job whose note is gone is dropped")
        #expect(try events(user).allSatisfy { !$0.hasPrefix("transcript") })

        // A row whose file vanished: ffmpeg fails, and that is retried like any failure.
        let missing = try note(user, writeFile: false)
        let second = try run(try engine("echo never"))
        #expect(second?.result == .retrying && second?.reason?.hasPrefix("ffmpeg could not read the recording") == true)
        #expect(try stored(missing).status == "pending")
    }

    @Test func theOwnersEditIsNeverOverwrittenByTheEngine() throws {
        let user = try account()
        defer { cleanUp(user) }
        // Typed before the engine ran: the job is not even run.
        let typed = try note(user)
        try pool.transaction {
            try JournalLog.append(.transcriptSet(audio: typed, text: "my words", source: .owner), userID: user, at: Date(), on: $0)
        }
        #expect(try run(try engine("echo engine words"))?.result == .dropped)
        #expect(try stored(typed) == ("done", "my words", "owner"))

        // Typed while the engine runs: the edit drops the job, the engine's words are not written.
        let racing = try note(user)
        let marker = directory + "/engine-running"
        let slow = try engine("touch '\(marker)'\nsleep 2\necho engine words")
        let result = ResultBox()
        let thread = Thread { result.set(Result { try self.run(slow)?.result }) }
        thread.start()
        let deadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        try pool.transaction { conn in
            try TranscriptStore.lockOwner(user, on: conn)
            try TranscriptionQueue.drop(audioID: racing, userID: user, on: conn)
            try JournalLog.append(.transcriptSet(audio: racing, text: "typed meanwhile", source: .owner), userID: user, at: Date(), on: conn)
        }
        let outcome = try #require(result.wait(timeout: 20))
        #expect(try outcome.get() == .superseded)
        #expect(try stored(racing) == ("done", "typed meanwhile", "owner"))
        #expect(try events(user).filter { $0.contains("engine words") }.isEmpty)

        // And an engine result arriving after an edit (a replay, a second job) changes nothing shown.
        try pool.transaction {
            try JournalLog.append(.transcriptSet(audio: racing, text: "late engine", source: .engine), userID: user, at: Date(), on: $0)
        }
        #expect(try stored(racing) == ("done", "typed meanwhile", "owner"))
    }

    @Test func eachJobGoesToOneResponderAndALostOneIsTakenAgainAfterItsLease() throws {
        let user = try account()
        defer { cleanUp(user) }
        let first = try note(user)
        let second = try note(user)
        // Two responders claiming at once: the row one holds is skipped by the other.
        let claims = try pool.transaction { a -> [TranscriptionQueue.Claim?] in
            let mine = try TranscriptionQueue.claim(now: Self.epoch + 1, leaseSeconds: 60, on: a)
            let theirs = try pool.transaction { b in try TranscriptionQueue.claim(now: Self.epoch + 1, leaseSeconds: 60, on: b) }
            return [mine, theirs]
        }
        #expect(Set(claims.compactMap { $0?.audioID }) == Set([first, second]))
        // One job per claim, never more (a joined subquery may be scanned again for each row).
        let third = try note(user)
        let one = try #require(try pool.transaction { try TranscriptionQueue.claim(now: Self.epoch + 1, leaseSeconds: 60, on: $0) })
        #expect(one.audioID == third)
        #expect(try pool.query("SELECT count(*) FROM transcription_jobs WHERE user_id = $1 AND attempts = 1", [user]).first?.int(0) == 3)
        #expect(try pool.transaction { try TranscriptionQueue.finish(one, on: $0) } == true)
        #expect(try pool.transaction { try TranscriptionQueue.claim(now: Self.epoch + 2, leaseSeconds: 60, on: $0) } == nil, "all leased")

        // The responder holding `first` died: after the lease another takes it as attempt 2, and
        // the first attempt's result, should it still come, is not written.
        let lost = try #require(claims.compactMap { $0 }.first { $0.audioID == first })
        let done = try #require(claims.compactMap { $0 }.first { $0.audioID == second })
        #expect(try pool.transaction { try TranscriptionQueue.finish(done, on: $0) } == true)
        let again = try #require(try pool.transaction { try TranscriptionQueue.claim(now: Self.epoch + 62, leaseSeconds: 60, on: $0) })
        #expect(again.audioID == first && again.attempt == 2)
        #expect(try pool.transaction { try TranscriptionQueue.finish(lost, on: $0) } == false)
        #expect(try pool.transaction { try TranscriptionQueue.finish(again, on: $0) } == true)
    }

    /// A session paused as `other` and completed (its break has no activity), each with a note.
    func entities(_ user: String) throws -> (interruption: String, interruptionNote: String, breakID: String, breakNote: String) {
        let (session, interruption, breakID) = (JournalEvent.newID(), JournalEvent.newID(), JournalEvent.newID())
        let at = Date(timeIntervalSince1970: Self.epoch)
        try pool.transaction { conn in
            for event: JournalEvent in [
                .sessionStarted(session: session, intent: .writing, day: LocalDate(iso: "2000-01-01")!, place: .journal, roomCode: nil),
                .sessionPaused(session: session, interruption: interruption, category: .other),
                .sessionResumed(session: session), .sessionCompleted(session: session, breakID: breakID),
            ] {
                try JournalLog.append(event, userID: user, at: at, on: conn)
            }
        }
        let (first, second) = (try note(user), try note(user))
        try pool.transaction { conn in
            try JournalLog.append(.audioAttached(audio: first, target: .interruption, targetID: interruption), userID: user, at: at, on: conn)
            try JournalLog.append(.audioAttached(audio: second, target: .breakActivity, targetID: breakID), userID: user, at: at, on: conn)
        }
        return (interruption, first, breakID, second)
    }

    @Test func theWordsChooseTheCategoryNoChipChose() throws {
        let user = try account()
        defer { cleanUp(user) }
        let e = try entities(user)
        // Each note is read for its own entity's kind of category.
        let words = try engine("echo someone knocked at the door so i made a cup of tea")
        #expect(try run(words)?.result == .transcribed)
        #expect(try run(words)?.result == .transcribed)
        #expect(try pool.query("SELECT category FROM journal_interruptions WHERE id = $1", [e.interruption]).first?.string(0) == "door")
        #expect(try pool.query("SELECT activity_category FROM journal_breaks WHERE id = $1", [e.breakID]).first?.string(0) == "tea_coffee")
        #expect(try events(user).contains("interruption_categorised "))
        #expect(try events(user).contains("break_activity_chosen "))

        // A category the person chose stays, whatever the words say.
        let other = try entities(user)
        try pool.transaction { conn in
            try JournalLog.append(.interruptionCategorised(interruption: other.interruption, category: .family), userID: user, at: Date(), on: conn)
            try JournalLog.append(.breakActivityChosen(breakID: other.breakID, activity: .walk), userID: user, at: Date(), on: conn)
        }
        _ = try run(try engine("echo the door bell and a cup of tea"))
        _ = try run(try engine("echo the door bell and a cup of tea"))
        #expect(try pool.query("SELECT category FROM journal_interruptions WHERE id = $1", [other.interruption]).first?.string(0) == "family")
        #expect(try pool.query("SELECT activity_category FROM journal_breaks WHERE id = $1", [other.breakID]).first?.string(0) == "walk")
    }

    @Test func aRebuildKeepsTranscriptsAsTheEventsSay() throws {
        let user = try account()
        defer { cleanUp(user) }
        let heard = try note(user)
        _ = try run(try engine("echo a walk and a cup of tea"))
        let edited = try note(user)
        try pool.transaction {
            try JournalLog.append(.transcriptSet(audio: edited, text: "typed", source: .owner), userID: user, at: Date(), on: $0)
            try JournalLog.append(.transcriptSet(audio: edited, text: "engine after", source: .engine), userID: user, at: Date(), on: $0)
        }
        let before = try [stored(heard), stored(edited)].map { "\($0)" }
        _ = try pool.transaction { try JournalRebuild.rebuild(userID: user, on: $0) }
        #expect(try [stored(heard), stored(edited)].map { "\($0)" } == before)
    }

    /// A thread's answer, waited for.
    final class ResultBox: @unchecked Sendable {
        private let condition = NSCondition()
        private var value: Result<TranscriptionJobs.Result?, Error>?

        func set(_ result: Result<TranscriptionJobs.Result?, Error>) {
            condition.lock()
            value = result
            condition.signal()
            condition.unlock()
        }

        func wait(timeout: TimeInterval) -> Result<TranscriptionJobs.Result?, Error>? {
            condition.lock()
            defer { condition.unlock() }
            let deadline = Date().addingTimeInterval(timeout)
            while value == nil && condition.wait(until: deadline) {}
            return value
        }
    }
}
