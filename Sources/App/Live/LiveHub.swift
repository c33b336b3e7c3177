import FastCGI
import Foundation
import Logging
import Postgres
import Redis
import Web

/// What a long-poll on a channel answers: the channel's current version and the JSON body.
public struct LiveSnapshot: Sendable {
    public let version: Int
    public let body: [UInt8]
    public init(version: Int, body: [UInt8]) {
        self.version = version
        self.body = body
    }
}

/// Wakes parked long-polls. A change is announced locally and on the Redis channel
/// `pomopomo:wake`, so polls parked in any responder are answered. When Redis is unreachable,
/// the hub re-reads the versions of channels with waiters from PostgreSQL every two seconds:
/// slower, but nothing is missed because every poll names the last version it saw.
public final class LiveHub: @unchecked Sendable {
    public typealias SnapshotSource = @Sendable (_ channel: String) throws -> LiveSnapshot?

    static let wakeChannel = "pomopomo:wake"

    private let redis: RedisPool?
    private let redisAddress: RedisAddress?
    private let logger: Logger
    private let parked = ParkedPolls()
    private let workers = WorkerPool(threads: 4, name: "live")
    private let holdSeconds: Double
    private let lock = NSLock()
    private var sources: [String: SnapshotSource] = [:]
    private var subscriber: RedisSubscriber?
    private var stopping = false

    init(database: PostgresPool, redis: RedisPool?, redisAddress: RedisAddress?, logger: Logger, holdSeconds: Double) {
        self.redis = redis
        self.redisAddress = redisAddress
        self.logger = logger
        self.holdSeconds = holdSeconds
    }

    /// Registers how to snapshot channels named `prefix:…` (e.g. "room").
    public func register(prefix: String, source: @escaping SnapshotSource) {
        lock.lock(); sources[prefix] = source; lock.unlock()
    }

    public var parkedCount: Int { parked.count }
    public var isSubscribed: Bool { subscriber?.isConnected ?? false }

    /// Starts the Redis subscription and the housekeeping thread.
    public func start() {
        if let redisAddress {
            let subscriber = RedisSubscriber(
                address: redisAddress, channels: [Self.wakeChannel],
                onMessage: { [weak self] _, message in self?.handleWakeMessage(message) },
                onState: { [weak self] connected in
                    guard let self else { return }
                    self.logger.info("live wake-ups via redis", metadata: ["connected": "\(connected)"])
                    // Wake-ups sent while we were not subscribed are lost: look for them now.
                    if connected { self.workers.submit { self.recheckFromDatabase() } }
                })
            self.subscriber = subscriber
            subscriber.start()
        }
        let thread = Thread { [self] in self.housekeeping() }
        thread.name = "live-housekeeping"
        thread.start()
    }

    /// Answers now if the channel moved past `since`, else parks the request.
    func wait(request: FastCGIRequest, channel: String, since: Int, currentVersion: Int, owner: [UInt8]) {
        let ownerKey = owner.prefix(8).reduce(0) { $0 << 8 | Int($1) }
        let waiter = ParkedPolls.Waiter(request: request, since: since, deadline: Date().addingTimeInterval(holdSeconds), owner: ownerKey)
        var evicted: ParkedPolls.Waiter? = nil
        if currentVersion > since || !parked.park(waiter, on: channel, evicted: &evicted) {
            deliver(channel: channel, waiters: [waiter])
        }
        evicted?.request.respond(Response.noContent.serialize(requestID: "live"))
    }

    /// Announces that `channel` now has `version`: wakes local waiters, then tells the others.
    public func notify(channel: String, version: Int) {
        wake(channel: channel, version: version)
        _ = redis?.bestEffort("PUBLISH", Self.wakeChannel, "\(channel) \(version)")
    }

    /// Answers every parked poll at once (204), for shutdown.
    public func releaseAll() {
        lock.lock(); stopping = true; lock.unlock()
        subscriber?.stop()
        let bytes = Response.noContent.serialize(requestID: "shutdown")
        for waiter in parked.takeAll() { waiter.request.respond(bytes) }
    }

    private func handleWakeMessage(_ message: String) {
        let parts = message.split(separator: " ")
        guard parts.count == 2, let version = Int(parts[1]) else { return }
        wake(channel: String(parts[0]), version: version)
    }

    private func wake(channel: String, version: Int) {
        let waiters = parked.take(channel, olderThan: version)
        guard !waiters.isEmpty else { return }
        workers.submit { self.deliver(channel: channel, waiters: waiters) }
    }

    /// Takes one snapshot and sends the same bytes to every waiter, spread over the workers.
    private func deliver(channel: String, waiters: [ParkedPolls.Waiter]) {
        let bytes: [UInt8]
        do {
            if let snapshot = try snapshot(channel) {
                bytes = Response.json(snapshot.body).serialize(requestID: "live")
            } else {
                bytes = Response.json(Array(#"{"error":"This room no longer exists."}"#.utf8), status: .notFound).serialize(requestID: "live")
            }
        } catch {
            logger.warning("live snapshot failed", metadata: ["channel": "\(channel)", "error": "\(error)"])
            var response = Response.json(Array(#"{"error":"Temporarily unavailable."}"#.utf8), status: .serviceUnavailable)
            response.addHeader("Retry-After", "2")
            bytes = response.serialize(requestID: "live")
        }
        let chunk = 512
        if waiters.count <= chunk {
            for waiter in waiters { waiter.request.respond(bytes) }
            return
        }
        for start in stride(from: 0, to: waiters.count, by: chunk) {
            let slice = Array(waiters[start..<min(start + chunk, waiters.count)])
            workers.submit { for waiter in slice { waiter.request.respond(bytes) } }
        }
    }

    private func snapshot(_ channel: String) throws -> LiveSnapshot? {
        guard let prefix = channel.split(separator: ":", maxSplits: 1).first else { return nil }
        lock.lock(); let source = sources[String(prefix)]; lock.unlock()
        return try source?(channel)
    }

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    /// Times out old polls (204: "nothing new, ask again") and, without Redis, polls PostgreSQL.
    private func housekeeping() {
        var lastRecheck = Date()
        let noContent = Response.noContent.serialize(requestID: "live")
        while !isStopping {
            Thread.sleep(forTimeInterval: 0.25)
            let expired = parked.takeExpired(now: Date())
            if !expired.isEmpty {
                workers.submit { for waiter in expired { waiter.request.respond(noContent) } }
            }
            if !isSubscribed && Date().timeIntervalSince(lastRecheck) >= 2 {
                lastRecheck = Date()
                recheckFromDatabase()
            }
        }
    }

    private func recheckFromDatabase() {
        for (channel, oldest) in parked.channels {
            guard let snapshot = try? snapshot(channel) else { continue }
            if snapshot.version > oldest { wake(channel: channel, version: snapshot.version) }
        }
    }
}
