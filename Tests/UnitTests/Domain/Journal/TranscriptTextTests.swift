import Testing

@testable import Domain

@Suite("Transcripts: the owner's edits, the engine's words, the retries")
struct TranscriptTextTests {
    @Test func theOwnersTextFollowsTheTypedTextRules() throws {
        #expect(try TranscriptText.owner("  The door\r\nbell rang.  ") == "The door\nbell rang.")
        #expect(try TranscriptText.owner(String(repeating: "a", count: 10_000)).count == 10_000)
        #expect(try TranscriptText.owner(String(repeating: "é", count: 10_000)).count == 10_000, "composed: one code point each")
    }

    @Test func theOwnersTextIsRefusedWithAReasonNeverCut() {
        #expect(throws: JournalRefusal.invalid("A transcript can be at most 10,000 characters long (this one has 10,001).")) {
            try TranscriptText.owner(String(repeating: "a", count: 10_001))
        }
        #expect(throws: JournalRefusal.self) { try TranscriptText.owner(" \n\t ") }
        #expect(throws: JournalRefusal.self) { try TranscriptText.owner("evil\u{202E}txt") }
        #expect(throws: JournalRefusal.self) { try TranscriptText.owner("nul\u{0}") }
        // 5,000 characters as people see them, but 10,005 code points: the column counts those.
        #expect(throws: JournalRefusal.self) { try TranscriptText.owner(String(repeating: "e\u{301}\u{302}", count: 5_000) + "abcde") }
    }

    @Test func theEnginesWordsAreCleanedNotRefused() {
        #expect(TranscriptText.engine(Array("i was interrupted\n\nby the door  \n".utf8)) == "i was interrupted by the door")
        #expect(TranscriptText.engine(Array("  tea\u{1B}[31m \t break\r\n".utf8)) == "tea[31m break")
        #expect(TranscriptText.engine([0x6F, 0x6B, 0xFF, 0xFE, 0x21]) == "ok!", "bytes that are not UTF-8 are dropped")
        #expect(TranscriptText.engine(Array("cafe\u{301}".utf8)) == "café")
        #expect(TranscriptText.engine([]) == "")
        #expect(TranscriptText.engine(Array("\n \n".utf8)) == "", "blank output means no words")
    }

    @Test func longOutputIsCutAtTheLastWholeWord() {
        let words = String(repeating: "focus ", count: 3_000)  // 18,000 characters
        let cut = TranscriptText.engine(Array(words.utf8))
        #expect(cut.count <= 10_000 && cut.count > 9_990)
        #expect(cut.hasSuffix("focus") && !cut.hasSuffix(" "))
        let exact = String(repeating: "a", count: 10_000) + " more"
        #expect(TranscriptText.engine(Array(exact.utf8)) == String(repeating: "a", count: 10_000))
        let oneWord = String(repeating: "b", count: 12_000)
        #expect(TranscriptText.engine(Array(oneWord.utf8)).count == 10_000, "one endless word is cut where it must be")
    }

    @Test func retriesBackOffThenGiveUp() {
        let retry = TranscriptionRetry(attempts: 4)
        #expect(retry.delay(afterAttempt: 1) == 30)
        #expect(retry.delay(afterAttempt: 2) == 120)
        #expect(retry.delay(afterAttempt: 3) == 480)
        #expect(retry.delay(afterAttempt: 4) == nil)
        #expect(retry.delay(afterAttempt: 9) == nil, "a job taken again after a crash past the last attempt ends")
        #expect(TranscriptionRetry(attempts: 20).delay(afterAttempt: 12) == 3600, "at most an hour apart")
        #expect(TranscriptionRetry(attempts: 0).delay(afterAttempt: 1) == nil, "at least one attempt, never none")
    }
}
