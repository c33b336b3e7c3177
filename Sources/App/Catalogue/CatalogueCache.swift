import Foundation
import Redis

/// The catalogue's answers in Redis, under the seed's keys and lifetimes (Domain
/// CatalogueCacheKey) plus `stream:{videoId}` for the audio address of a video. Best effort:
/// with Redis down or absent every read misses and every write is dropped, so pages still work,
/// only without a cache.
struct CatalogueCache: Sendable {
    let redis: RedisPool?

    func get<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        guard let text = text(key) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    func text(_ key: String) -> String? {
        guard let redis, case .string(let text)? = redis.bestEffort("GET", key) else { return nil }
        return text
    }

    func set<T: Encodable>(_ key: String, _ value: T, ttl: Int) {
        guard let data = try? JSONEncoder().encode(value) else { return }
        set(key, text: String(decoding: data, as: UTF8.self), ttl: ttl)
    }

    func set(_ key: String, text: String, ttl: Int) {
        _ = redis?.bestEffort("SET", key, text, "EX", String(max(1, ttl)))
    }
}
