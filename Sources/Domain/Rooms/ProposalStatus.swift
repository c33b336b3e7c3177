/// A guest's proposal waits for the host, who accepts or rejects it. Stored in
/// `proposals.status`.
public enum ProposalStatus: String, Sendable, CaseIterable {
    case pending, accepted, rejected

    public init(stored: String) { self = ProposalStatus(rawValue: stored) ?? .rejected }
}
