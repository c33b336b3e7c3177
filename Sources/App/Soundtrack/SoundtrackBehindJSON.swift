/// `GET /r/{CODE}/soundtrack/behind`: how many listeners are behind, and the furthest behind by name.
struct SoundtrackBehindJSON: Encodable {
    struct Listener: Encodable {
        let id: String
        let name: String
        let behindMs: Int

        enum CodingKeys: String, CodingKey {
            case id, name
            case behindMs = "behind_ms"
        }
    }

    let behind: Int
    let listeners: [Listener]
}
