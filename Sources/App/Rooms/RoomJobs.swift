import Foundation
import Logging

/// The work rooms need when nobody is looking, run by a thread in every responder: segments
/// and soundtrack tracks that ended are advanced (several times a second, so open pages move on within a second),
/// presence seen by page views and polls is written in batches (every second), people who
/// went away are shown as away, absent hosts are replaced, and expired rooms are folded into the statistics (one responder
/// at a time). Every step locks what it changes and skips what another responder holds.
final class RoomJobs: Sendable {
    static let sweepInterval: TimeInterval = 0.25
    static let handOverCheckInterval: TimeInterval = 5
    /// How long a host may be gone before the longest-present participant takes over.
    static let hostAbsenceSeconds = 180

    private let services: Services
    private let cleanInterval: TimeInterval
    private let thread: JobThread
    // Touched by the job thread alone.
    nonisolated(unsafe) private var lastHandOver = Date()
    nonisolated(unsafe) private var lastPresenceFlush = Date()
    nonisolated(unsafe) private var lastClean: Date

    init(services: Services, cleanInterval: TimeInterval) {
        self.services = services
        self.cleanInterval = cleanInterval
        thread = JobThread(name: "room-jobs", interval: Self.sweepInterval, logger: services.logger)
        // The first run comes somewhere in the second half of the first interval, so responders
        // started together do not all clean at the same moment.
        lastClean = Date().addingTimeInterval(-Double.random(in: 0...(cleanInterval / 2)))
    }

    func start() { thread.start { [self] in tick() } }

    func stop() { thread.stop() }

    private func tick() {
        thread.attempt("sweep") {
            let started = DispatchTime.now().uptimeNanoseconds
            let swept = try TimerStore.sweep(database: services.database)
            if !swept.credits.isEmpty {
                // How long the rooms were locked while their people were credited (bench/credit_crowd.sh reads it).
                let heldMs = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
                services.logger.info(
                    "credited focus",
                    metadata: [
                        "rooms": "\(swept.moved.count)", "credits": "\(swept.credits.count)",
                        "held_ms": "\(String(format: "%.1f", heldMs))",
                    ])
                services.leaderboards.record(swept.credits)
                FocusCredit.announceNotices(swept.credits, services: services)
            }
            for (channel, version) in swept.moved {
                services.hub.notify(channel: channel, version: version)
                // Loading the moved room rewrites its Redis mirror (and warms the cache for
                // the wake-up), so the mirror follows the timer with no page open.
                _ = try? RoomReader(services: services).snapshot(id: String(channel.dropFirst("room:".count)))
            }
        }
        thread.attempt("soundtrack sweep") {
            // A track that ended moves the queue on with nobody watching, as a segment does.
            for (channel, version) in try SoundtrackStore.sweep(database: services.database) {
                services.hub.notify(channel: channel, version: version)
            }
        }
        if Date().timeIntervalSince(lastPresenceFlush) >= PresenceBuffer.flushInterval {
            lastPresenceFlush = Date()
            flushPresence()
        }
        if Date().timeIntervalSince(lastHandOver) >= Self.handOverCheckInterval {
            lastHandOver = Date()
            thread.attempt("presence") {
                for (channel, version) in try RoomStore(database: services.database)
                    .announceNewlyAway(window: Int(Self.handOverCheckInterval))
                {
                    services.hub.notify(channel: channel, version: version)
                    // Someone who went away has no page left to load the room: loading it here
                    // tells their friends (presence follows room loads).
                    _ = try? RoomReader(services: services).snapshot(id: String(channel.dropFirst("room:".count)))
                }
            }
            thread.attempt("host hand-over") {
                for (channel, version) in try RoomStore(database: services.database)
                    .handOverFromAbsentHosts(after: Self.hostAbsenceSeconds)
                {
                    services.hub.notify(channel: channel, version: version)
                }
            }
        }
        if Date().timeIntervalSince(lastClean) >= cleanInterval {
            lastClean = Date()
            thread.attempt("clean-rooms") {
                if let summary = try StatsStore(database: services.database).cleanIfNobodyElseIs(redis: services.redis), summary.rooms > 0 {
                    services.logger.info(
                        "clean-rooms",
                        metadata: [
                            "rooms": "\(summary.rooms)", "participants": "\(summary.participants)",
                            "sessions": "\(summary.sessions)", "focus_seconds": "\(summary.focusSeconds)",
                        ])
                }
            }
        }
    }

    /// Writes the presence this process saw since the last flush: one statement per room, and
    /// one announcement per room whose people changed (someone came back from away). A batch
    /// that cannot be written (PostgreSQL down) is kept for the next flush.
    private func flushPresence() {
        let store = RoomStore(database: services.database)
        for batch in services.presence.drain() {
            do {
                let flushed = try store.flushPresence(roomID: batch.roomID, batch.seen, mayBump: batch.mayBump, owed: batch.owed)
                services.presence.flushed(roomID: batch.roomID, bumped: flushed.version != nil, cameBack: flushed.cameBack)
                if let version = flushed.version {
                    services.hub.notify(channel: "room:\(batch.roomID)", version: version)
                }
                RoomMirror.seen(roomID: batch.roomID, batch.seen, redis: services.redis)
            } catch {
                services.presence.restore(batch)
                thread.attempt("presence flush") { throw error }
            }
        }
    }
}
