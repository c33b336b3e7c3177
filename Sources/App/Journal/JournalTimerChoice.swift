import Domain

/// What the /timer page's Start and Pause forms say for a signed-in person's journal: the intent
/// chosen with Start (none: the focus runs without a journal entry), what interrupted with Pause
/// (none: `other`, which the paused panel lets them change).
struct JournalTimerChoice: Sendable, Equatable {
    var intent: IntentCategory?
    var category: InterruptionCategory?

    init(intent: IntentCategory? = nil, category: InterruptionCategory? = nil) {
        self.intent = intent
        self.category = category
    }

    /// Read before the timer is locked, so an unknown chip is refused (422) with nothing moved.
    /// Guests keep no journal: their forms carry no chips, and any sent are not read.
    static func read(_ ctx: RequestContext, for control: TimerControl, signedIn: Bool) throws -> JournalTimerChoice {
        guard signedIn else { return JournalTimerChoice() }
        switch control {
        case .start: return JournalTimerChoice(intent: try JournalChoice.intent(ctx))
        case .pause: return JournalTimerChoice(category: try JournalChoice.category(ctx))
        default: return JournalTimerChoice()
        }
    }
}
