import Domain
import FastCGI
import Foundation

/// Long-poll requests that are waiting for their channel to move past the version they saw.
/// Holding one costs its connection and this small record (its libfcgi buffers are freed while
/// it waits: `FastCGIRequest.shedBuffers`), never a thread.
final class ParkedPolls: @unchecked Sendable {
    struct Waiter {
        let request: FastCGIRequest
        let since: Int
        /// Which rendering of the channel this waiter gets (see `Outcome.park`; nil: the
        /// snapshot that answers it says).
        let variant: PollVariant?
        let deadline: Date
        /// Who is waiting (a prefix of the session hash), to cap polls per browser.
        let owner: Int
        /// The client address's bucket (IPv6 by /64): cookies are free, addresses are not.
        let address: String
        /// The poll's route and when its request arrived: it is counted when it is answered.
        var route: Int? = nil
        var started = DispatchTime.now()
        var requestID = "live"
    }

    /// A session's key among waiters: the first 8 bytes of its hash.
    static func ownerKey(_ sessionHash: [UInt8]) -> Int { sessionHash.prefix(8).reduce(0) { $0 << 8 | Int($1) } }

    /// A browser has a few tabs open, not hundreds: past this, its oldest poll is answered.
    static let maxPerOwner = 16
    /// Polls per client address (`POMOPOMO_POLLS_PER_ADDRESS`): one machine with a fresh cookie
    /// per poll is still one address; an office behind one NAT needs room for everyone's tabs.
    let maxPerAddress: Int

    init(maxPerAddress: Int = 64) { self.maxPerAddress = maxPerAddress }

    private let lock = NSLock()
    private var byChannel: [String: [Waiter]] = [:]
    private var total = 0
    private var perOwner: [Int: Int] = [:]
    private var perAddress: [String: Int] = [:]
    /// The newest version each channel was woken with, so a poll that checked the database
    /// just before a wake-up and parks just after it is answered instead of left to time out.
    private var latest: [String: (version: Int, at: Date)] = [:]

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }

    /// Channels with at least one waiter, with the oldest version any of them has seen.
    var channels: [(channel: String, oldestSince: Int)] {
        lock.lock()
        defer { lock.unlock() }
        return byChannel.compactMap { channel, waiters in
            waiters.map(\.since).min().map { (channel, $0) }
        }
    }

    func latestVersion(of channel: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return latest[channel]?.version
    }

    /// Parks the waiter, or returns false when its channel is already known to be newer.
    /// `evicted` is the same owner's (or else the same address's) oldest poll when it already
    /// had too many.
    func park(_ waiter: Waiter, on channel: String, evicted: inout Waiter?) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let known = latest[channel], known.version > waiter.since { return false }
        if perOwner[waiter.owner, default: 0] >= Self.maxPerOwner {
            evicted = removeOldest { $0.owner == waiter.owner }
        } else if perAddress[waiter.address, default: 0] >= maxPerAddress {
            evicted = removeOldest { $0.address == waiter.address }
        }
        byChannel[channel, default: []].append(waiter)
        perOwner[waiter.owner, default: 0] += 1
        perAddress[waiter.address, default: 0] += 1
        total += 1
        return true
    }

    private func removeOldest(where matches: (Waiter) -> Bool) -> Waiter? {
        var oldest: (channel: String, index: Int, deadline: Date)? = nil
        for (channel, waiters) in byChannel {
            for (index, waiter) in waiters.enumerated() where matches(waiter) {
                if oldest == nil || waiter.deadline < oldest!.deadline { oldest = (channel, index, waiter.deadline) }
            }
        }
        guard let oldest else { return nil }
        let waiter = byChannel[oldest.channel]!.remove(at: oldest.index)
        if byChannel[oldest.channel]!.isEmpty { byChannel[oldest.channel] = nil }
        forget([waiter])
        return waiter
    }

    /// Keeps the per-owner counts and the total in step with removals.
    private func forget(_ waiters: [Waiter]) {
        total -= waiters.count
        for waiter in waiters {
            let left = perOwner[waiter.owner, default: 1] - 1
            perOwner[waiter.owner] = left > 0 ? left : nil
            let fromAddress = perAddress[waiter.address, default: 1] - 1
            perAddress[waiter.address] = fromAddress > 0 ? fromAddress : nil
        }
    }

    /// Removes and returns the waiters of `channel` that have not seen `version` yet.
    func take(_ channel: String, olderThan version: Int) -> [Waiter] {
        lock.lock()
        defer { lock.unlock() }
        if (latest[channel]?.version ?? Int.min) < version { latest[channel] = (version, Date()) }
        guard let waiters = byChannel[channel] else { return [] }
        var stay: [Waiter] = []
        var go: [Waiter] = []
        for waiter in waiters {
            if waiter.since < version { go.append(waiter) } else { stay.append(waiter) }
        }
        byChannel[channel] = stay.isEmpty ? nil : stay
        forget(go)
        return go
    }

    func takeExpired(now: Date) -> [Waiter] {
        lock.lock()
        defer { lock.unlock() }
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
        forget(expired)
        return expired
    }

    func takeAll() -> [Waiter] {
        lock.lock()
        defer { lock.unlock() }
        let all = byChannel.values.flatMap { $0 }
        byChannel = [:]
        perOwner = [:]
        perAddress = [:]
        total = 0
        return all
    }
}
