import Foundation
import Redis

/// The catalogue's answers in Redis, under the seed's keys and lifetimes (Domain
/// CatalogueCacheKey) plus `stream:{videoId}` for the audio address of a video. Best effort:
/// with Redis down or absent every read misses and every write is dropped, so pages still work,
/// only without a cache.
final class CatalogueCache: @unchecked Sendable {
    let redis: RedisPool?
    /// Values decoded from the JSON Redis last gave, by that JSON: a popular search read again
    /// costs a GET and a dictionary look-up instead of decoding (a fifth of the cached page's
    /// time). Redis stays the truth: a changed or expired value is a different or missing text.
    private var decoded: [String: Any] = [:]
    private let lock = NSLock()
    private static let decodedLimit = 512

    init(redis: RedisPool?) {
        self.redis = redis
    }

    func get<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        guard let text = text(key) else { return nil }
        lock.lock()
        let known = decoded[text] as? T
        lock.unlock()
        if let known { return known }
        guard let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { return nil }
        lock.lock()
        if decoded.count >= Self.decodedLimit { decoded.removeAll(keepingCapacity: true) }
        decoded[text] = value
        lock.unlock()
        return value
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
