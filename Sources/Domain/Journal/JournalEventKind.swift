/// The kinds of fact the journal records, stored as `journal_events.kind`. Each is one case of
/// `JournalEvent`; the projection knows what each does to the seed's five entities.
public enum JournalEventKind: String, Sendable, CaseIterable {
    case sessionStarted = "session_started"
    case sessionPaused = "session_paused"
    case sessionResumed = "session_resumed"
    case sessionCompleted = "session_completed"
    case sessionEnded = "session_ended"
    case intentChosen = "intent_chosen"
    case interruptionCategorised = "interruption_categorised"
    case breakActivityChosen = "break_activity_chosen"
    case breakEnded = "break_ended"
    case audioRecorded = "audio_recorded"
    case audioAttached = "audio_attached"
    case audioDeleted = "audio_deleted"
    case transcriptSet = "transcript_set"
    case transcriptFailed = "transcript_failed"
}
