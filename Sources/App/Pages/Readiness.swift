/// The /readyz body: each dependency's state, and the live hub's (the fault tests wait on
/// `parked_polls`).
struct Readiness: Encodable {
    let postgres: String
    let redis: String
    let liveSubscribed: Bool
    let parkedPolls: Int

    enum CodingKeys: String, CodingKey {
        case postgres, redis
        case liveSubscribed = "live_subscribed"
        case parkedPolls = "parked_polls"
    }
}
