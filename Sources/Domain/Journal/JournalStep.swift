/// What a person does to an open journal session (seed 004 §4.4).
public enum JournalStep: String, Sendable, CaseIterable {
    case pause, resume, complete, end
}
