import FastCGI
import Foundation

/// Long-poll requests that are waiting for their channel to move past the version they saw.
/// Holding one costs its FastCGI buffers and this small record, never a thread.
final class ParkedPolls: @unchecked Sendable {
    struct Waiter {
        let request: FastCGIRequest
        let since: Int
        let deadline: Date
    }

    private let lock = NSLock()
    private var byChannel: [String: [Waiter]] = [:]
    private var total = 0
    /// The newest version each channel was woken with, so a poll that checked the database
    /// just before a wake-up and parks just after it is answered instead of left to time out.
    private var latest: [String: (version: Int, at: Date)] = [:]

    var count: Int { lock.lock(); defer { lock.unlock() }; return total }

    /// Channels with at least one waiter, with the oldest version any of them has seen.
    var channels: [(channel: String, oldestSince: Int)] {
        lock.lock(); defer { lock.unlock() }
        return byChannel.compactMap { channel, waiters in
            waiters.map(\.since).min().map { (channel, $0) }
        }
    }

    /// Parks the waiter, or returns false when its channel is already known to be newer.
    func park(_ waiter: Waiter, on channel: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if let known = latest[channel], known.version > waiter.since { return false }
        byChannel[channel, default: []].append(waiter)
        total += 1
        return true
    }

    /// Removes and returns the waiters of `channel` that have not seen `version` yet.
    func take(_ channel: String, olderThan version: Int) -> [Waiter] {
        lock.lock(); defer { lock.unlock() }
        if (latest[channel]?.version ?? Int.min) < version { latest[channel] = (version, Date()) }
        guard let waiters = byChannel[channel] else { return [] }
        var stay: [Waiter] = []
        var go: [Waiter] = []
        for waiter in waiters {
            if waiter.since < version { go.append(waiter) } else { stay.append(waiter) }
        }
        byChannel[channel] = stay.isEmpty ? nil : stay
        total -= go.count
        return go
    }

    func takeExpired(now: Date) -> [Waiter] {
        lock.lock(); defer { lock.unlock() }
        // A request is parsed and parked within seconds, so older knowledge is not needed.
        latest = latest.filter { now.timeIntervalSince($0.value.at) < 60 }
        var expired: [Waiter] = []
        for (channel, waiters) in byChannel {
            guard waiters.contains(where: { $0.deadline <= now }) else { continue }
            var stay: [Waiter] = []
            for waiter in waiters {
                if waiter.deadline <= now { expired.append(waiter) } else { stay.append(waiter) }
            }
            byChannel[channel] = stay.isEmpty ? nil : stay
        }
        total -= expired.count
        return expired
    }

    func takeAll() -> [Waiter] {
        lock.lock(); defer { lock.unlock() }
        let all = byChannel.values.flatMap { $0 }
        byChannel = [:]
        total = 0
        return all
    }
}
