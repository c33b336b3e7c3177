/// One message of a conversation as its viewer sees it.
struct DirectMessage: Sendable {
    let id: Int
    /// Written by the viewer (they may delete it) rather than received (they may report it).
    let fromMe: Bool
    /// Empty once deleted.
    let body: String
    /// Seconds since 1970.
    let sentAt: Double
    let isDeleted: Bool
}
