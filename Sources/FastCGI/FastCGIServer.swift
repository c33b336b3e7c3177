internal import CFastCGI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

public enum FastCGIError: Error, CustomStringConvertible {
    case initFailed(Int32)
    case socketInUse(String)
    case unsafeSocketDirectory(String)
    case openFailed(String)
    case bodyTooLarge(limit: Int)
    case bodyIncomplete

    public var description: String {
        switch self {
        case .initFailed(let code): return "FCGX_Init failed (\(code))"
        case .socketInUse(let path): return "another responder is already listening on \(path)"
        case .unsafeSocketDirectory(let dir):
            return
                "the socket's directory \(dir) is writable by everyone; put the socket in a directory of its own (e.g. /run/pomopomo, mode 0750, group www-data)"
        case .openFailed(let path): return "cannot listen on \(path): \(String(cString: strerror(errno)))"
        case .bodyTooLarge(let limit): return "request body larger than \(limit) bytes"
        case .bodyIncomplete: return "request body shorter than its Content-Length"
        }
    }
}

/// Accepts FastCGI requests on a few threads. Each accepted request is handed to the handler on
/// the accepting thread; the handler answers it at once or keeps it (parks it) and answers it
/// later from any thread. No thread waits on a parked request.
public final class FastCGIServer: @unchecked Sendable {
    private let listenFD: Int32
    private let lock = NSLock()
    private var stopping = false
    private var running = 0
    private let finished = NSCondition()
    private let kept = KeptConnections()

    /// Opens the listening socket: a unix socket path, or `host:port` for TCP. A unix socket gets
    /// mode 0660 (the responder's user and group; run it with nginx's group) and must live in a
    /// directory nobody else can write to: in a world-writable one such as /tmp, another local
    /// user could put their own socket (or a link) at the path and receive every request.
    public init(address: String, backlog: Int32 = 4096, socketMode: Glibc.mode_t = 0o660) throws {
        let status = FCGX_Init()
        guard status == 0 else { throw FastCGIError.initFailed(status) }
        let isUnix = !address.contains(":")
        // FCGX_OpenSocket unlinks an existing path without asking, which would steal the socket
        // from a live responder: refuse instead.
        if isUnix && Self.someoneListens(on: address) { throw FastCGIError.socketInUse(address) }
        if isUnix {
            let directory = address.contains("/") ? String(address[..<address.lastIndex(of: "/")!]) : "."
            var info = stat()
            if stat(directory.isEmpty ? "/" : directory, &info) == 0, info.st_mode & S_IWOTH != 0 {
                throw FastCGIError.unsafeSocketDirectory(directory)
            }
        }
        let fd = FCGX_OpenSocket(address, backlog)
        guard fd >= 0 else { throw FastCGIError.openFailed(address) }
        if isUnix { chmod(address, socketMode) }
        listenFD = fd
    }

    /// Starts `threads` accept loops, as many loops for requests on kept-alive connections
    /// (`KeptConnections`) and the thread that watches those, and returns at once. The handler gets
    /// the parameters named in `parameters` (plus CONTENT_LENGTH, which the body reader needs).
    public func start(threads: Int, parameters: [String], handler: @escaping @Sendable (FastCGIRequest, [String: String]) -> Void) {
        let wanted = Set(parameters + ["CONTENT_LENGTH"]).map { Array($0.utf8CString) }
        for index in 0..<threads {
            run("fcgi-accept-\(index)") { self.acceptLoop(wanted: wanted, handler: handler) }
            run("fcgi-kept-\(index)") { self.keptLoop(wanted: wanted, handler: handler) }
        }
        run("fcgi-kept-watch") { self.kept.watch() }
    }

    private func run(_ name: String, _ body: @escaping @Sendable () -> Void) {
        lock.lock()
        running += 1
        lock.unlock()
        let thread = Thread { [self] in
            body()
            self.lock.lock()
            self.running -= 1
            self.lock.unlock()
            self.finished.lock()
            self.finished.broadcast()
            self.finished.unlock()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops accepting, on the socket and on kept connections; requests already accepted keep
    /// running. Blocks until every accept and kept-connection thread (and the watcher) has finished
    /// its current request or `timeout` passes.
    public func stop(timeout: TimeInterval) {
        lock.lock()
        stopping = true
        lock.unlock()
        // shutdown() wakes threads blocked in accept(); close() alone does not on Linux.
        Glibc.shutdown(listenFD, Int32(SHUT_RDWR))
        kept.stop()
        let deadline = Date().addingTimeInterval(timeout)
        finished.lock()
        while activeThreads > 0 && Date() < deadline { _ = finished.wait(until: deadline) }
        finished.unlock()
    }

    private var activeThreads: Int {
        lock.lock()
        defer { lock.unlock() }
        return running
    }
    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func acceptLoop(wanted: [[CChar]], handler: @Sendable (FastCGIRequest, [String: String]) -> Void) {
        while !isStopping {
            let raw = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
            FCGX_InitRequest(raw, listenFD, 0)
            let status = FCGX_Accept_r(raw)
            if status < 0 {
                FCGX_Free(raw, 1)
                raw.deallocate()
                if isStopping { return }
                // Out of descriptors (EMFILE) or a transient error: back off rather than die.
                Thread.sleep(forTimeInterval: status == -EMFILE ? 0.1 : 0.01)
                continue
            }
            serve(raw, wanted: wanted, handler: handler)
        }
    }

    /// Reads and handles the requests nginx sends on kept-alive connections, one at a time.
    private func keptLoop(wanted: [[CChar]], handler: @Sendable (FastCGIRequest, [String: String]) -> Void) {
        while let fd = kept.next() {
            let raw = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
            // No listening socket: should the connection turn out to be closed after all, libfcgi's
            // accept fails at once instead of making this thread an accept thread.
            FCGX_InitRequest(raw, -1, 0)
            // A connection already open: libfcgi reads the request from it instead of accepting
            // (FCGX_Accept_r accepts only when ipcFd < 0, and keeps it when keepConnection is set).
            raw.pointee.ipcFd = fd
            raw.pointee.keepConnection = 1
            if FCGX_Accept_r(raw) < 0 {
                FCGX_Free(raw, 1)
                raw.deallocate()
                continue
            }
            serve(raw, wanted: wanted, handler: handler)
        }
    }

    private func serve(_ raw: UnsafeMutablePointer<FCGX_Request>, wanted: [[CChar]], handler: @Sendable (FastCGIRequest, [String: String]) -> Void) {
        let params = FastCGIRequest.params(of: raw, wanted: wanted)
        let length = params["CONTENT_LENGTH"].flatMap { Int($0) } ?? 0
        handler(FastCGIRequest(raw, contentLength: length, kept: kept), params)
    }

    private static func someoneListens(on path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}
