import Domain
import FastCGI
import Foundation
import Logging
import Redis
import Web

/// What a long-poll on a channel answers: the channel's current version and the JSON body
/// for a browser that saw version `since` (it may leave out what that browser already has) and
/// gets rendering `variant` (e.g. with or without a room host's controls).
public struct LiveSnapshot: Sendable {
    public let version: Int
    public let body: @Sendable (_ since: Int, _ variant: PollVariant) -> [UInt8]
    /// The viewers who get a rendering other than `.everyone`, by `ParkedPolls.ownerKey` of their
    /// session: asked only when a waiter was parked without knowing its own (nil: everyone's).
    public let variants: (@Sendable () -> [Int: PollVariant])?
    public init(
        version: Int, variants: (@Sendable () -> [Int: PollVariant])? = nil,
        body: @escaping @Sendable (_ since: Int, _ variant: PollVariant) -> [UInt8]
    ) {
        self.version = version
        self.variants = variants
        self.body = body
    }
}

/// Wakes parked long-polls. A change is announced locally and on the Redis channel
/// `pomopomo:wake`, so polls parked in any responder are answered. When Redis is unreachable,
/// the hub re-reads the versions of channels with waiters from PostgreSQL every two seconds:
/// slower, but nothing is missed because every poll names the last version it saw.
public final class LiveHub: @unchecked Sendable {
    public typealias SnapshotSource = @Sendable (_ channel: String) throws -> LiveSnapshot?
    /// Current versions of many channels of one prefix at once (ids without the prefix).
    public typealias VersionSource = @Sendable (_ ids: [String]) throws -> [String: Int]
    /// Snapshots of many channels of one prefix at once (full channel names in and out), for
    /// prefixes where one wake-up names many channels (a presence change wakes every friend).
    public typealias BatchSource = @Sendable (_ channels: [String]) throws -> [String: LiveSnapshot]

    static let wakeChannel = "pomopomo:wake"

    private let redis: RedisPool?
    private let redisLocator: RedisLocator?
    private let logger: Logger
    private let requestMetrics: RequestMetrics?
    private let parked: ParkedPolls
    private let workers = WorkerPool(threads: 4, name: "live")
    private let holdSeconds: Double
    private let lock = NSLock()
    private var sources: [String: SnapshotSource] = [:]
    private var versionSources: [String: VersionSource] = [:]
    private var batchSources: [String: BatchSource] = [:]
    private var subscriber: RedisSubscriber?
    private var stopping = false
    private var epoch = 0
    /// Wake-ups that could not be published (Redis down or its breaker open), newest version
    /// per channel, sent again as soon as Redis answers.
    private var unpublished: [String: Int] = [:]
    static let maxUnpublished = 10_000
    /// Even while subscribed, versions are re-read this often: a responder that died between
    /// its commit and its publish must not leave others waiting for the full hold.
    static let safetyRecheckSeconds: TimeInterval = 10

    init(
        redis: RedisPool?, redisLocator: RedisLocator?, logger: Logger, requestMetrics: RequestMetrics? = nil, holdSeconds: Double,
        pollsPerAddress: Int = 64
    ) {
        parked = ParkedPolls(maxPerAddress: pollsPerAddress)
        self.requestMetrics = requestMetrics
        self.redis = redis
        self.redisLocator = redisLocator
        self.logger = logger
        self.holdSeconds = holdSeconds
    }

    /// Registers how to snapshot channels named `prefix:…` (e.g. "room"), and optionally how to
    /// snapshot many of them at once.
    public func register(prefix: String, source: @escaping SnapshotSource, versions: @escaping VersionSource, batch: BatchSource? = nil) {
        lock.lock()
        sources[prefix] = source
        versionSources[prefix] = versions
        batchSources[prefix] = batch
        lock.unlock()
    }

    public var parkedCount: Int { parked.count }
    public var isSubscribed: Bool { subscriber?.isConnected ?? false }

    /// Changes whenever the subscription drops or returns; nil while not subscribed. Caches keep
    /// an entry only while the epoch it was loaded in lasts, because only then has every
    /// wake-up since the load been seen.
    var cacheEpoch: Int? {
        guard isSubscribed else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return epoch
    }

    /// The newest version a wake-up (local or from Redis) announced for `channel` lately.
    func latestVersion(of channel: String) -> Int? { parked.latestVersion(of: channel) }

    /// Starts the Redis subscription and the housekeeping thread.
    public func start() {
        if let redisLocator {
            let subscriber = RedisSubscriber(
                locator: redisLocator, channels: [Self.wakeChannel],
                onMessage: { [weak self] _, message in self?.handleWakeMessage(message) },
                onState: { [weak self] connected in
                    guard let self else { return }
                    self.lock.lock()
                    self.epoch += 1
                    self.lock.unlock()
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

    /// Parks the request until `channel` moves past `since`, or answers at once when a wake-up
    /// for a newer version arrived while the request was being handled.
    func wait(
        request: FastCGIRequest, channel: String, since: Int, variant: PollVariant?, owner: [UInt8], address: String, route: Int? = nil,
        started: DispatchTime = .now(), requestID: String = "live"
    ) {
        // While it waits, a poll keeps its connection but not libfcgi's 17 kB of stream buffers.
        request.shedBuffers()
        let waiter = ParkedPolls.Waiter(
            request: request, since: since, variant: variant,
            deadline: Date().addingTimeInterval(holdSeconds), owner: ParkedPolls.ownerKey(owner),
            address: Throttle.addressBucket(address), route: route, started: started, requestID: requestID)
        var evicted: ParkedPolls.Waiter? = nil
        if !parked.park(waiter, on: channel, evicted: &evicted) {
            // On a worker, not this accept thread: the answer may need a room load that other
            // requests are already waiting for.
            workers.submit { self.deliver(channel: channel, waiters: [waiter]) }
        }
        if let evicted {
            // 429 with Retry-After, not 204: a 204 is "ask again now", which would start a loop.
            answer(evicted, Response.jsonError(ClientError.tooManyRequests(retryAfter: 10)).serialize(requestID: "live"), status: 429)
        }
    }

    /// Announces that `channel` now has `version`: wakes local waiters, then tells the others.
    public func notify(channel: String, version: Int) {
        wake(channel: channel, version: version)
        publish(channel: channel, version: version)
    }

    /// Announces many channels at once (a presence change wakes every friend): local waiters
    /// first, then one PUBLISH per 500 channels, each line "<channel> <version>".
    public func notify(_ wakes: [(channel: String, version: Int)]) {
        guard wakes.count > 1 else {
            if let only = wakes.first { notify(channel: only.channel, version: only.version) }
            return
        }
        wakeMany(wakes)
        guard let redis else { return }
        for start in stride(from: 0, to: wakes.count, by: 500) {
            let chunk = wakes[start..<min(start + 500, wakes.count)]
            let message = chunk.map { "\($0.channel) \($0.version)" }.joined(separator: "\n")
            if redis.bestEffort("PUBLISH", Self.wakeChannel, message) != nil { continue }
            lock.lock()
            for (channel, version) in chunk where unpublished.count < Self.maxUnpublished || unpublished[channel] != nil {
                unpublished[channel] = max(unpublished[channel] ?? 0, version)
            }
            lock.unlock()
        }
    }

    private func publish(channel: String, version: Int) {
        guard let redis else { return }
        if redis.bestEffort("PUBLISH", Self.wakeChannel, "\(channel) \(version)") != nil { return }
        lock.lock()
        if unpublished.count < Self.maxUnpublished || unpublished[channel] != nil {
            unpublished[channel] = max(unpublished[channel] ?? 0, version)
        }
        lock.unlock()
    }

    private func retryUnpublished() {
        guard let redis, !redis.isDown else { return }
        lock.lock()
        let pending = unpublished
        unpublished = [:]
        lock.unlock()
        for (channel, version) in pending { publish(channel: channel, version: version) }
    }

    /// Answers every parked poll at once (204), for shutdown.
    public func releaseAll() {
        lock.lock()
        stopping = true
        lock.unlock()
        subscriber?.stop()
        let bytes = Response.noContent.serialize(requestID: "shutdown")
        for waiter in parked.takeAll() { answer(waiter, bytes, status: 204) }
    }

    private func handleWakeMessage(_ message: String) {
        var wakes: [(channel: String, version: Int)] = []
        for line in message.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let version = Int(parts[1]) else { continue }
            wakes.append((String(parts[0]), version))
        }
        if wakes.count == 1 { wake(channel: wakes[0].channel, version: wakes[0].version) } else { wakeMany(wakes) }
    }

    /// Wakes many channels: those of a prefix with a batch source are snapshotted 250 at a time
    /// (one round trip or two for all of them instead of one or two each), the rest one by one.
    private func wakeMany(_ wakes: [(channel: String, version: Int)]) {
        var batched: [String: [(channel: String, waiters: [ParkedPolls.Waiter])]] = [:]
        lock.lock()
        let batchable = batchSources
        lock.unlock()
        for (channel, version) in wakes {
            let prefix = String(channel.prefix { $0 != ":" })
            guard batchable[prefix] != nil else {
                wake(channel: channel, version: version)
                continue
            }
            let waiters = parked.take(channel, olderThan: version)
            if !waiters.isEmpty { batched[prefix, default: []].append((channel, waiters)) }
        }
        for (prefix, entries) in batched {
            guard let batch = batchable[prefix] else { continue }
            for start in stride(from: 0, to: entries.count, by: 250) {
                let chunk = Array(entries[start..<min(start + 250, entries.count)])
                workers.submit {
                    let snapshots: [String: LiveSnapshot]
                    do {
                        snapshots = try batch(chunk.map(\.channel))
                    } catch {
                        // One by one instead: each delivery reports its own failure.
                        for entry in chunk { self.deliver(channel: entry.channel, waiters: entry.waiters) }
                        return
                    }
                    for entry in chunk { self.deliver(channel: entry.channel, waiters: entry.waiters, snapshot: snapshots[entry.channel]) }
                }
            }
        }
    }

    private func wake(channel: String, version: Int) {
        let waiters = parked.take(channel, olderThan: version)
        guard !waiters.isEmpty else { return }
        workers.submit { self.deliver(channel: channel, waiters: waiters) }
    }

    /// Takes one snapshot of the channel and delivers it to its waiters (below); a failed read is
    /// answered 503, so the browsers ask again.
    private func deliver(channel: String, waiters: [ParkedPolls.Waiter]) {
        let snapshot: LiveSnapshot?
        do {
            snapshot = try self.snapshot(channel)
        } catch {
            logger.warning("live snapshot failed", metadata: ["channel": "\(channel)", "error": "\(error)"])
            let bytes = Response.jsonError(ClientError.unavailable(retryAfter: 2)).serialize(requestID: "live")
            for waiter in waiters { answer(waiter, bytes, status: 503) }
            return
        }
        deliver(channel: channel, waiters: waiters, snapshot: snapshot)
    }

    /// Renders `snapshot` once per distinct `since` and variant among the waiters (usually two:
    /// they all saw the previous version; a few are hosts) and sends the bytes, spread over the
    /// workers (nil: the channel is gone, answered 404).
    private func deliver(channel: String, waiters: [ParkedPolls.Waiter], snapshot: LiveSnapshot?) {
        struct Key: Hashable {
            let since: Int
            let variant: PollVariant
        }
        var bySince: [Key: [ParkedPolls.Waiter]] = [:]
        // Read once, and only when some waiter was parked from a copy too old to know its role.
        var known: [Int: PollVariant]? = nil
        for waiter in waiters {
            var variant = waiter.variant
            if variant == nil {
                if known == nil { known = snapshot?.variants?() ?? [:] }
                variant = known?[waiter.owner]
            }
            bySince[Key(since: waiter.since, variant: variant ?? .everyone), default: []].append(waiter)
        }
        for (key, group) in bySince {
            let bytes =
                snapshot.map { Response.json($0.body(key.since, key.variant)).serialize(requestID: "live") }
                ?? Response.jsonError(ClientError.notFound("This no longer exists.")).serialize(requestID: "live")
            send(bytes, status: snapshot == nil ? 404 : 200, to: group)
        }
    }

    private func send(_ bytes: [UInt8], status: Int, to waiters: [ParkedPolls.Waiter]) {
        let chunk = 512
        if waiters.count <= chunk {
            for waiter in waiters { answer(waiter, bytes, status: status) }
            return
        }
        for start in stride(from: 0, to: waiters.count, by: chunk) {
            let slice = Array(waiters[start..<min(start + chunk, waiters.count)])
            workers.submit { for waiter in slice { self.answer(waiter, bytes, status: status) } }
        }
    }

    /// Every parked poll is answered here, and counted and logged with its route like any other request.
    private func answer(_ waiter: ParkedPolls.Waiter, _ bytes: [UInt8], status: Int) {
        let micros = (DispatchTime.now().uptimeNanoseconds - waiter.started.uptimeNanoseconds) / 1000
        requestMetrics?.record(route: waiter.route, status: status, micros: micros)
        waiter.request.respond(bytes)
        RequestLog.answered(
            logger, id: waiter.requestID, method: "GET", route: requestMetrics?.pattern(waiter.route) ?? RequestMetrics.unmatchedPattern,
            status: status, micros: micros, uri: "")
    }

    private func snapshot(_ channel: String) throws -> LiveSnapshot? {
        guard let prefix = channel.split(separator: ":", maxSplits: 1).first else { return nil }
        lock.lock()
        let source = sources[String(prefix)]
        lock.unlock()
        return try source?(channel)
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// Times out old polls (204: "nothing new, ask again") and, without Redis, polls PostgreSQL.
    private func housekeeping() {
        var lastRecheck = Date()
        let noContent = Response.noContent.serialize(requestID: "live")
        while !isStopping {
            Thread.sleep(forTimeInterval: 0.25)
            let expired = parked.takeExpired(now: Date())
            if !expired.isEmpty {
                workers.submit { for waiter in expired { self.answer(waiter, noContent, status: 204) } }
            }
            retryUnpublished()
            let interval = isSubscribed ? Self.safetyRecheckSeconds : 2
            if Date().timeIntervalSince(lastRecheck) >= interval {
                lastRecheck = Date()
                recheckFromDatabase()
            }
        }
    }

    /// Wakes every channel whose stored version moved past what its waiters saw: one query per
    /// prefix and 500 channels, however many rooms have waiters.
    private func recheckFromDatabase() {
        var byPrefix: [String: [(id: String, oldest: Int)]] = [:]
        for (channel, oldest) in parked.channels {
            let parts = channel.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            byPrefix[String(parts[0]), default: []].append((String(parts[1]), oldest))
        }
        for (prefix, entries) in byPrefix {
            lock.lock()
            let source = versionSources[prefix]
            lock.unlock()
            guard let source else { continue }
            for start in stride(from: 0, to: entries.count, by: 500) {
                let batch = entries[start..<min(start + 500, entries.count)]
                guard let versions = try? source(batch.map(\.id)) else { continue }
                for entry in batch {
                    // A channel that is gone (no version) is answered too: with its 404.
                    let version = versions[entry.id] ?? Int.max
                    if version > entry.oldest { wake(channel: "\(prefix):\(entry.id)", version: version) }
                }
            }
        }
    }
}
