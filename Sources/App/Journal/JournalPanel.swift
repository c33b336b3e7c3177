import Domain
import Foundation

/// What a person's journal has under way, as the panels on /journal, /timer and a room page show
/// it (`JournalStore.panel`): the open session with its pause, or the break after the last one.
struct JournalPanel: Sendable {
    struct Open: Sendable {
        let session: JournalStore.Session
        let startedAt: Date
        let interruptionCount: Int
        /// The intent's voice note.
        let note: JournalNote?
        /// The pause under way, while the session is interrupted.
        var pause: Pause?

        init(session: JournalStore.Session, startedAt: Date, interruptionCount: Int, note: JournalNote?, pause: Pause? = nil) {
            self.session = session
            self.startedAt = startedAt
            self.interruptionCount = interruptionCount
            self.note = note
            self.pause = pause
        }
    }

    struct Pause: Sendable {
        let id: String
        let category: InterruptionCategory
        let occurredAt: Date
        let note: JournalNote?
    }

    struct BreakUnderWay: Sendable {
        let breakSession: JournalStore.Break
        /// What the session before it was for.
        let intent: IntentCategory
        let startedAt: Date
        let note: JournalNote?
    }

    var open: Open?
    var breakUnderWay: BreakUnderWay?
    /// The latest session's intent: the chip checked first on the next start.
    var lastIntent: IntentCategory?
}
