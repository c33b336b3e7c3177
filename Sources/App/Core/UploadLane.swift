import Foundation
import Web

/// A few threads per responder that take uploads from the accept threads: reading a body of
/// megabytes, checking it and running ffprobe take a while, and an accept thread held that long
/// is one fewer for everyone's pages. At most `workers` uploads are worked on at once (so their
/// memory and CPU are bounded too), `queue` more wait, and past that an upload is refused at once
/// (`Busy`, 503 with Retry-After). The threads run at a lower priority than the accept threads
/// (nice 10, which ffprobe inherits), so when the CPU is short pages come first.
final class UploadLane: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private let queue: Int
    private var idle = 0
    private var running = 0

    init(workers: Int, queue: Int) {
        self.queue = queue
        for n in 0..<workers {
            let thread = Thread { [self] in
                // Linux keeps a nice value per thread: this one's, and its children's.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                self.work()
            }
            thread.name = "uploads-\(n)"
            thread.start()
        }
    }

    /// Queues `job`; false when `queue` uploads are already waiting.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard jobs.count < queue + idle else { return false }
        jobs.append(job)
        condition.broadcast()
        return true
    }

    /// At shutdown, once the accept threads have stopped (so no upload arrives): waits until every
    /// upload taken has been answered, at most `timeout` seconds. False when some were not.
    func drain(timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !jobs.isEmpty || running > 0 {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }

    private func work() {
        while true {
            condition.lock()
            idle += 1
            while jobs.isEmpty { condition.wait() }
            idle -= 1
            running += 1
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Every upload thread is busy and the queue is full.
    struct Busy: HTTPError {
        var status: HTTPStatus { .serviceUnavailable }
        var publicMessage: String {
            "Many files are being uploaded at this moment, so yours was not saved. Please send it again in a few seconds."
        }
        var extraHeaders: [(String, String)] { [("Retry-After", "5")] }
    }
}
