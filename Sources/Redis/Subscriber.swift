internal import CHiredis
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One subscription connection on its own thread. It pings while idle so a hung Redis is noticed
/// within seconds, reconnects by itself, and reports every (re)connection so the caller can
/// re-check what it may have missed while it was away.
public final class RedisSubscriber: @unchecked Sendable {
    public typealias MessageHandler = @Sendable (_ channel: String, _ message: String) -> Void
    public typealias StateHandler = @Sendable (_ connected: Bool) -> Void

    private let locator: RedisLocator
    private let channels: [String]
    private let onMessage: MessageHandler
    private let onState: StateHandler
    private let lock = NSLock()
    private var stopped = false
    private var connectedFlag = false

    public init(locator: RedisLocator, channels: [String], onMessage: @escaping MessageHandler, onState: @escaping StateHandler) {
        self.locator = locator
        self.channels = channels
        self.onMessage = onMessage
        self.onState = onState
    }

    public convenience init(address: RedisAddress, channels: [String], onMessage: @escaping MessageHandler, onState: @escaping StateHandler) {
        self.init(locator: RedisLocator(address), channels: channels, onMessage: onMessage, onState: onState)
    }

    public var isConnected: Bool {
        lock.lock()
        defer { lock.unlock() }
        return connectedFlag
    }

    public func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "redis-subscriber"
        thread.start()
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func setConnected(_ value: Bool) {
        lock.lock()
        let changed = connectedFlag != value
        connectedFlag = value
        lock.unlock()
        if changed { onState(value) }
    }

    private func run() {
        while !isStopped {
            // Behind Sentinel a lost connection may mean a failover: ask where the primary is now.
            // (A replica would deliver the primary's messages too, but it may be the one that died.)
            let address = try? locator.primary()
            if let address, let connection = try? RedisConnection(address: address, timeout: 1),
                connection.append(["SUBSCRIBE"] + channels), connection.flush()
            {
                listen(on: connection)
            }
            if let address { locator.failed(address) }
            setConnected(false)
            if !isStopped { Thread.sleep(forTimeInterval: 0.5) }
        }
    }

    /// Returns when the connection fails or stops answering pings.
    private func listen(on connection: RedisConnection) {
        var pingSentAt: Date? = nil
        var lastTraffic = Date()
        while !isStopped {
            while let reply = connection.bufferedReply() {
                lastTraffic = Date()
                handle(reply, pingSentAt: &pingSentAt)
            }
            var fds = pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 500)
            if ready < 0 && errno != EINTR { return }
            if ready > 0 {
                guard connection.readAvailable() else { return }
                continue
            }
            if let sent = pingSentAt {
                if Date().timeIntervalSince(sent) > 2 { return }
            } else if Date().timeIntervalSince(lastTraffic) > 1 {
                guard connection.append(["PING"]), connection.flush() else { return }
                pingSentAt = Date()
            }
        }
    }

    private func handle(_ reply: RedisReply, pingSentAt: inout Date?) {
        guard case .array(let parts) = reply, let kind = parts.first?.string else { return }
        switch kind {
        case "message" where parts.count == 3:
            onMessage(parts[1].string ?? "", parts[2].string ?? "")
        case "subscribe":
            setConnected(true)
        case "pong":
            pingSentAt = nil
        default:
            break
        }
    }
}
