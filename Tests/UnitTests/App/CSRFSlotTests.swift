import Testing

@testable import App

@Suite("The CSRF slot in shared room fragments")
struct CSRFSlotTests {
    /// Regression (issue 9): the slot was the fixed text "\u{1}csrf\u{1}"; like the Splice
    /// markers it is now random per process, so no typed text can be taken for it.
    @Test func slotIsRandomPerProcess() {
        let slot = RenderedParts.csrfSlot
        #expect(slot != "\u{1}csrf\u{1}")
        #expect(slot.hasPrefix("\u{1}") && slot.hasSuffix("\u{1}"))
        #expect(slot.utf8.count >= 16 + 2)
    }
}
