/// How the report queue is sorted.
public enum ReportOrder: String, Sendable, CaseIterable {
    /// The most recently reported things first.
    case newest
    /// The things with the most reports (distinct reporters) first.
    case most
}
