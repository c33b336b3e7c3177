internal import CFastCGI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// nginx's kept-alive connections between requests (`fastcgi_keep_conn on`, which pomopomo.conf
/// sets for long-polls only). libfcgi reads the next request on a kept connection with a blocking
/// read, so a thread that kept one would sit on it while nginx holds it idle: that is why keep-alive
/// was off. Here no thread waits on an idle connection: an answered one is put in an epoll set, and
/// when nginx sends its next request (or closes it) one thread takes it out and queues it for the
/// server's kept-connection threads, which read and handle that request as the accept threads do.
///
/// What it saves: a poll's connection is opened, accepted and closed once per keep-alive life, not
/// once per poll. When one change answers 10,000 parked polls, closing their Unix sockets was a
/// sixth of nginx's CPU and a third of the responder's in that burst, and the re-polls that follow
/// each cost nginx a connect and the responder an accept.
final class KeptConnections: @unchecked Sendable {
    private let epollFD: Int32
    private let queue = NSCondition()
    private var ready: [Int32] = []
    /// `ready[head...]` are still to be taken: a re-poll burst queues thousands at once.
    private var head = 0
    private var stopping = false

    init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
    }

    /// Takes over `fd` (whose last request was answered and read to its end) until nginx sends
    /// another request on it; closes it if it cannot be watched.
    func keep(_ fd: Int32) {
        if epollFD < 0 || pomopomo_epoll_watch(epollFD, fd) != 0 { close(fd) }
    }

    /// The next connection with a request waiting, or nil once stopping.
    func next() -> Int32? {
        queue.lock()
        defer { queue.unlock() }
        while head == ready.count && !stopping { queue.wait() }
        guard head < ready.count else { return nil }
        let fd = ready[head]
        head += 1
        if head == ready.count {
            ready.removeAll(keepingCapacity: true)
            head = 0
        }
        return fd
    }

    /// Watches the kept connections until `stop`: a connection nginx closed is closed here, one with
    /// a request is queued for `next`.
    func watch() {
        var fds = [Int32](repeating: 0, count: 256)
        var hangups = [Int32](repeating: 0, count: 256)
        while !isStopping {
            let n = pomopomo_epoll_take(epollFD, &fds, &hangups, 256, 250)
            guard n > 0 else { continue }
            var arrived: [Int32] = []
            for i in 0..<Int(n) {
                if hangups[i] != 0 { close(fds[i]) } else { arrived.append(fds[i]) }
            }
            guard !arrived.isEmpty else { continue }
            queue.lock()
            ready.append(contentsOf: arrived)
            if arrived.count == 1 { queue.signal() } else { queue.broadcast() }
            queue.unlock()
        }
    }

    func stop() {
        queue.lock()
        stopping = true
        queue.broadcast()
        queue.unlock()
    }

    private var isStopping: Bool {
        queue.lock()
        defer { queue.unlock() }
        return stopping
    }
}
