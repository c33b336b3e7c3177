import Testing

@testable import Domain

@Suite("Journal events and the session's steps")
struct JournalEventTests {
    static let s = "11111111-1111-4111-8111-111111111111"
    static let t = "22222222-2222-4222-8222-222222222222"

    static let every: [JournalEvent] = [
        .sessionStarted(session: s, intent: .coding, day: LocalDate(year: 2026, month: 12, day: 2)!, place: .room, roomCode: "ABCD23"),
        .sessionStarted(session: s, intent: .other, day: LocalDate(year: 2024, month: 2, day: 29)!, place: .timer, roomCode: nil),
        .sessionPaused(session: s, interruption: t, category: .workCall),
        .sessionResumed(session: s), .sessionCompleted(session: s, breakID: t), .sessionEnded(session: s),
        .intentChosen(session: s, intent: .reading), .interruptionCategorised(interruption: t, category: .lostFocus),
        .breakActivityChosen(breakID: t, activity: .teaCoffee), .breakEnded(breakID: t),
        .audioRecorded(audio: s, file: "x1.webm", mime: "audio/webm", bytes: 5000, durationSeconds: 12),
        .audioAttached(audio: s, target: .breakActivity, targetID: t), .audioDeleted(audio: s),
        .transcriptSet(audio: s, text: "the door \"bell\"\nrang", source: .owner), .transcriptFailed(audio: s, reason: "no words"),
    ]

    @Test func everyKindReadsBackAsWritten() throws {
        #expect(Set(Self.every.map(\.kind)) == Set(JournalEventKind.allCases))
        for event in Self.every {
            #expect(JournalEvent(kind: event.kind.rawValue, payloadJSON: event.payloadJSON) == event)
        }
    }

    @Test func refusesWhatItCannotRead() {
        #expect(
            JournalEvent(kind: "session_started", payloadJSON: #"{"session":"\#(Self.s)","intent":"napping","day":"2026-12-02","place":"timer"}"#)
                == nil)
        #expect(JournalEvent(kind: "session_resumed", payloadJSON: #"{"session":"../../etc/passwd"}"#) == nil)
        #expect(JournalEvent(kind: "session_resumed", payloadJSON: #"{"session":"11111111-1111-4111-8111-11111111111A"}"#) == nil)
        #expect(JournalEvent(kind: "session_exploded", payloadJSON: "{}") == nil)
        #expect(JournalEvent(kind: "session_resumed", payloadJSON: "not json") == nil)
    }

    @Test func stepsFollowTheSeedsFlow() {
        #expect(JournalSessionStatus.running.after(.pause) == .interrupted)
        #expect(JournalSessionStatus.interrupted.after(.resume) == .running)
        #expect(JournalSessionStatus.interrupted.after(.complete) == .completed)
        #expect(JournalSessionStatus.running.after(.end) == .abandoned)
        #expect(JournalSessionStatus.running.after(.resume) == nil)
        #expect(JournalSessionStatus.interrupted.after(.pause) == nil)
        for step in JournalStep.allCases {
            #expect(JournalSessionStatus.completed.after(step) == nil)
            #expect(JournalSessionStatus.abandoned.after(step) == nil)
        }
    }
}
