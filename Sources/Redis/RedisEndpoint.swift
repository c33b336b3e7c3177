/// How a responder reaches Redis: one fixed address, or whichever instance the Sentinels name as
/// the primary of `master` right now (it moves when Sentinel fails it over).
public enum RedisEndpoint: Sendable, Equatable {
    case direct(RedisAddress)
    case sentinel(sentinels: [RedisAddress], master: String)
}
