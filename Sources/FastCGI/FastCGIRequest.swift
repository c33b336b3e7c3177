internal import CFastCGI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One accepted request. It must be answered exactly once, from any thread; answering frees it.
public final class FastCGIRequest: @unchecked Sendable {
    private var raw: UnsafeMutablePointer<FCGX_Request>?
    /// The connection and FastCGI request id once libfcgi's streams are freed (`shedBuffers`), and
    /// whether nginx keeps the connection for another request afterwards.
    private var shed: (fd: Int32, id: Int32, keep: Bool)?
    /// Where a kept-alive connection goes once answered (nil: closed, as in unit tests).
    private let kept: KeptConnections?
    private let lock = NSLock()
    private let contentLength: Int
    /// True once the input stream has been read to its end-of-input record.
    private var inputDrained = false
    /// How much of an unread body `finish` reads and discards before closing: enough for any
    /// body nginx lets through, so it never writes into a closed socket (EPIPE), which it
    /// answers with 502 and by marking the responder failed for a while.
    static let drainLimit = 2 << 20
    /// This request's drain limit: `drainLimit`, or more for a route nginx lets larger bodies
    /// through to (`allowBody`).
    private var drainBytes = FastCGIRequest.drainLimit

    init(_ raw: UnsafeMutablePointer<FCGX_Request>, contentLength: Int, kept: KeptConnections? = nil) {
        self.raw = raw
        self.contentLength = contentLength
        self.kept = kept
    }

    /// The CGI parameters nginx sent that are named in `wanted` (REQUEST_METHOD, REQUEST_URI,
    /// HTTP_COOKIE, …). Copied out once and not kept, so a parked request costs only libfcgi's
    /// own buffers; parameters nobody reads are never turned into Swift strings.
    static func params(of raw: UnsafeMutablePointer<FCGX_Request>, wanted: [[CChar]]) -> [String: String] {
        var params: [String: String] = Dictionary(minimumCapacity: wanted.count)
        if var env = raw.pointee.envp {
            while let entry = env.pointee {
                // Split at the first '=' on the C string: no Character-by-Character scanning.
                if let eq = strchr(entry, 61) {
                    let keyLength = entry.distance(to: eq)
                    for name in wanted where name.count - 1 == keyLength && strncmp(name, entry, keyLength) == 0 {
                        params[String(cString: name)] = String(cString: eq + 1)
                        break
                    }
                }
                env += 1
            }
        }
        return params
    }

    deinit {
        // A request dropped without an answer must still release its connection.
        if raw != nil || shed != nil { _ = finish(head: nil, body: []) }
    }

    /// Frees libfcgi's buffers of a request that is going to wait (a parked long-poll): its input,
    /// output and error streams (8 kB, 8 kB and 512 bytes of buffer) and its parameters, keeping
    /// only the connection. `respond` then writes the answer's records itself (`FastCGIRecords`)
    /// and closes it, or keeps it for nginx's next request (fastcgi_keep_conn, `KeptConnections`).
    /// Returns false, keeping them, when the input could not be read to its end (a body past the
    /// drain limit, a broken connection).
    @discardableResult
    public func shedBuffers() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let request = raw else { return false }
        drainInput(upTo: drainBytes, request)
        guard FCGX_HasSeenEOF(request.pointee.in) != 0, FCGX_GetError(request.pointee.in) == 0 else { return false }
        shed = (request.pointee.ipcFd, Int32(request.pointee.requestId), request.pointee.keepConnection != 0)
        FCGX_Free(request, 0)
        request.deallocate()
        raw = nil
        return true
    }

    /// Says that nginx may send this request a body of up to `bytes` (an upload route has its
    /// own nginx location and limit): an answer given without reading it drains that much.
    public func allowBody(upTo bytes: Int) {
        lock.lock()
        drainBytes = max(drainBytes, bytes)
        lock.unlock()
    }

    /// Reads the whole body; blocks while nginx sends it. Throws past `limit` bytes.
    public func readBody(limit: Int) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        guard let raw else { return [] }
        let declared = contentLength
        if declared > limit { throw FastCGIError.bodyTooLarge(limit: limit) }
        if declared <= 0 { return [] }
        var body = [UInt8](repeating: 0, count: declared)
        var filled = 0
        while filled < declared {
            let n = body.withUnsafeMutableBytes { buffer in
                FCGX_GetStr(buffer.baseAddress!.advanced(by: filled).assumingMemoryBound(to: CChar.self), Int32(declared - filled), raw.pointee.in)
            }
            if n <= 0 { throw FastCGIError.bodyIncomplete }
            filled += Int(n)
        }
        drainInput(upTo: drainBytes, raw)
        return body
    }

    /// Reads and discards the rest of the input up to its end-of-input record (at most
    /// `limit` bytes), so nginx has finished sending before we answer and close.
    private func drainInput(upTo limit: Int, _ raw: UnsafeMutablePointer<FCGX_Request>) {
        guard !inputDrained else { return }
        var scratch = [CChar](repeating: 0, count: 16 * 1024)
        var total = 0
        while total <= limit {
            let n = scratch.withUnsafeMutableBufferPointer { FCGX_GetStr($0.baseAddress, Int32($0.count), raw.pointee.in) }
            if n <= 0 { break }
            total += Int(n)
        }
        inputDrained = true
    }

    /// Writes the response (CGI-style head, blank line, body) and releases the request.
    /// Returns false when it had already been answered.
    @discardableResult
    public func respond(_ bytes: [UInt8]) -> Bool {
        finish(head: bytes, body: [])
    }

    /// The same with the head and the body apart, so neither is copied to join them.
    @discardableResult
    public func respond(head: [UInt8], body: [UInt8]) -> Bool {
        finish(head: head, body: body)
    }

    private func finish(head: [UInt8]?, body: [UInt8]) -> Bool {
        lock.lock()
        if let connection = shed {
            shed = nil
            lock.unlock()
            // A write to a client that went away fails quietly (SIGPIPE is ignored).
            let written = FastCGIRecords.write(head: head ?? [], body: body, requestID: connection.id, to: connection.fd)
            // No shutdown-and-wait for nginx's close as libfcgi does: the input was read to its
            // end, so nothing unread can turn this close into a reset.
            release(connection.fd, keep: connection.keep && written)
            return true
        }
        guard let request = raw else {
            lock.unlock()
            return false
        }
        raw = nil
        // A refused body (too large, malformed) was not read: take it off the socket first.
        drainInput(upTo: drainBytes, request)
        lock.unlock()
        if let head, request.pointee.ipcFd >= 0 {
            // The whole answer in one write (`FastCGIRecords`), then libfcgi frees the request
            // and closes the connection (its shutdown, and its wait for nginx's close) without
            // writing anything of its own, unless nginx keeps it: kept only when this request's
            // input was read to its end, since the next request starts right after it. ipcFd and
            // keepConnection are in the part of FCGX_Request its header asks callers not to use,
            // but they are the connection itself and nginx's keep flag, and libfcgi 2.4 has kept
            // them there since its first release.
            let fd = request.pointee.ipcFd
            let written = FastCGIRecords.write(head: head, body: body, requestID: Int32(request.pointee.requestId), to: fd)
            let keep =
                written && request.pointee.keepConnection != 0 && FCGX_HasSeenEOF(request.pointee.in) != 0
                && FCGX_GetError(request.pointee.in) == 0
            FCGX_Free(request, keep ? 0 : 1)
            if keep { release(fd, keep: true) }
        } else {
            // libfcgi's own finish would leave a kept connection open with nobody reading it.
            request.pointee.keepConnection = 0
            FCGX_Finish_r(request)
        }
        request.deallocate()
        return true
    }

    /// An answered connection: back to nginx's keep-alive (watched for its next request), or closed.
    private func release(_ fd: Int32, keep: Bool) {
        if keep, let kept {
            kept.keep(fd)
        } else {
            close(fd)
        }
    }
}
