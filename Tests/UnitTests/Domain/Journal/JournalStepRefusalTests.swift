import Testing

@testable import Domain

@Suite("Why a journal step is refused")
struct JournalStepRefusalTests {
    @Test func everyStepOutOfOrderHasA409AndEveryAllowedOneNone() {
        for status in JournalSessionStatus.allCases {
            for step in JournalStep.allCases {
                let refusal = JournalStepRefusal.refusal(step, from: status)
                if status.after(step) == nil {
                    guard case .outOfOrder(let words)? = refusal else {
                        Issue.record("\(step) from \(status) is out of order but not refused as such")
                        continue
                    }
                    #expect(!words.isEmpty)
                } else {
                    #expect(refusal == nil, "\(step) from \(status) is allowed")
                }
            }
        }
    }

    @Test func theWordsSayWhatHappened() {
        #expect(JournalStepRefusal.refusal(.complete, from: .completed)?.message == "This session is already completed.")
        #expect(
            JournalStepRefusal.refusal(.pause, from: .completed)?.message == "This session is completed, so it can no longer be paused.")
        #expect(JournalStepRefusal.refusal(.end, from: .abandoned)?.message == "This session has already ended.")
        #expect(JournalStepRefusal.refusal(.pause, from: .interrupted)?.message == "This session is already paused.")
        #expect(JournalStepRefusal.refusal(.resume, from: .running)?.message == "This session is not paused, so there is nothing to resume.")
    }
}
