/// A line of `/messages`: one conversation, from its viewer's side.
struct ConversationSummary: Sendable {
    /// The newest message's id: the list's order and its keyset cursor.
    let lastMessageID: Int
    let peerUsername: String
    let peerDisplayName: String
    /// The newest message's text (empty when deleted), whether the viewer wrote it, and when.
    let preview: String
    let previewFromMe: Bool
    let previewDeleted: Bool
    let at: Double
    /// Unread messages from the other person, counted up to `MessageStore.unreadCap`.
    let unread: Int
}
