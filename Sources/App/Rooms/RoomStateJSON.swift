import Web

/// state.json: everything public about a room, with the participants one page at a time and
/// their counts always present. Absent values are `null`, never missing keys.
struct RoomStateJSON: Encodable {
    let code: String
    let status: String
    let theme: String
    let version: Int
    let expiresAt: String
    let serverNowMs: Int
    let timer: TimerJSON
    let segments: [Segment]
    let participantCount: Int
    let onlineCount: Int
    let participantsPage: Int
    let participantsPages: Int
    let participants: [Participant]
    let publicTasks: [PublicTask]
    let proposals: [Proposal]
    let messages: [Message]
    let soundtrack: SoundtrackStateJSON

    enum CodingKeys: String, CodingKey {
        case code, status, theme, version, timer, segments, participants, proposals, messages, soundtrack
        case expiresAt = "expires_at"
        case serverNowMs = "server_now_ms"
        case participantCount = "participant_count"
        case onlineCount = "online_count"
        case participantsPage = "participants_page"
        case participantsPages = "participants_pages"
        case publicTasks = "public_tasks"
    }

    struct Segment: Encodable {
        let id: String
        let position: Int
        let kind: String
        @NullWhenAbsent var label: String?
        let durationSec: Int
        @NullWhenAbsent var publicTask: String?

        enum CodingKeys: String, CodingKey {
            case id, position, kind, label
            case durationSec = "duration_sec"
            case publicTask = "public_task"
        }
    }

    struct Participant: Encodable {
        let id: String
        let name: String
        let role: String
        let online: Bool
        /// The host made them DJ.
        let dj: Bool
    }

    struct PublicTask: Encodable {
        let id: String
        let text: String
        let author: String
        @NullWhenAbsent var segmentID: String?
        let done: Bool

        enum CodingKeys: String, CodingKey {
            case id, text, author, done
            case segmentID = "segment_id"
        }
    }

    struct Proposal: Encodable {
        let id: String
        let kind: String
        let status: String
        let author: String
        let summary: String
        @NullWhenAbsent var reason: String?
    }

    struct Message: Encodable {
        let id: Int
        let author: String
        let text: String
        let at: String
    }
}
