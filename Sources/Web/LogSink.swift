import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where every log line goes: stderr, through a buffer a background thread writes out every
/// 50 ms, so the line each request gets costs an append and not a write(2) of its own (at a
/// few thousand pages a second that system call was a tenth of the responder's CPU). Warnings
/// and errors, and a full buffer, are written at once, with everything before them, so the
/// lines stay in order and what went wrong is on disk before anything else can happen; the
/// buffer is also written at exit. A crash loses at most the last 50 ms of ordinary lines.
public enum LogSink {
    static let interval: useconds_t = 50_000
    static let limit = 64 * 1024

    private static let lock = NSLock()
    nonisolated(unsafe) private static var pending: [UInt8] = []
    nonisolated(unsafe) private static var flusherStarted = false

    /// Appends one whole line (ending in "\n"); `urgent` writes it out before returning.
    public static func write(_ line: [UInt8], urgent: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if !flusherStarted { startFlusher() }
        pending.append(contentsOf: line)
        if urgent || pending.count >= limit { drainLocked() }
    }

    /// Writes out whatever is buffered.
    public static func flush() {
        lock.lock()
        drainLocked()
        lock.unlock()
    }

    /// Under `lock`: lines are written in the order they were appended, whichever thread writes.
    private static func drainLocked() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let wrote = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if wrote < 0 && errno == EINTR { continue }
                // stderr closed or full: the lines are dropped rather than block every request.
                guard wrote > 0 else { return }
                offset += wrote
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    private static func startFlusher() {
        flusherStarted = true
        atexit { LogSink.flush() }
        let thread = Thread {
            while true {
                usleep(interval)
                flush()
            }
        }
        thread.name = "log-flush"
        thread.stackSize = 64 << 10
        thread.start()
    }
}
