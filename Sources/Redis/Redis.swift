internal import CHiredis
import Foundation

/// A parsed Redis reply, copied out of hiredis so the C object can be freed at once.
public enum RedisReply: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case array([RedisReply])
    case status(String)
    case error(String)
    case null

    init(_ reply: UnsafeMutablePointer<redisReply>) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            self = .string(r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(r.len)), as: UTF8.self) } ?? "")
        case REDIS_REPLY_INTEGER: self = .integer(Int(r.integer))
        case REDIS_REPLY_STATUS: self = .status(r.str.map { String(cString: $0) } ?? "")
        case REDIS_REPLY_ERROR: self = .error(r.str.map { String(cString: $0) } ?? "")
        case REDIS_REPLY_ARRAY:
            self = .array((0..<Int(r.elements)).compactMap { r.element[$0].map(RedisReply.init) })
        default: self = .null
        }
    }

    public var string: String? {
        switch self {
        case .string(let s), .status(let s): return s
        case .integer(let i): return String(i)
        default: return nil
        }
    }
    public var integer: Int? {
        switch self {
        case .integer(let i): return i
        case .string(let s): return Int(s)
        default: return nil
        }
    }
}

public enum RedisError: Error, CustomStringConvertible, Sendable {
    /// Not reachable, timed out or broken; callers degrade instead of failing.
    case unavailable(String)
    /// Redis answered with an error reply.
    case command(String)

    public var description: String {
        switch self {
        case .unavailable(let m): return "redis unavailable: \(m)"
        case .command(let m): return "redis error: \(m)"
        }
    }
}

/// Where Redis listens: `unix:/path/to.sock` or `host:port`.
public struct RedisAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case unix(String), tcp(host: String, port: Int) }
    public let kind: Kind

    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            kind = .unix(path)
        } else if let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) {
            kind = .tcp(host: String(text[..<colon]), port: port)
        } else {
            return nil
        }
    }

    public var description: String {
        switch kind {
        case .unix(let path): return "unix:\(path)"
        case .tcp(let host, let port): return "\(host):\(port)"
        }
    }
}

/// One hiredis connection. Commands block the calling thread up to the configured timeout.
public final class RedisConnection {
    let context: UnsafeMutablePointer<redisContext>
    /// Where it is connected (so a failure can be blamed on that instance).
    public let address: RedisAddress

    public init(address: RedisAddress, timeout: TimeInterval) throws {
        self.address = address
        let tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1_000_000))
        let ctx: UnsafeMutablePointer<redisContext>?
        switch address.kind {
        case .unix(let path): ctx = redisConnectUnixWithTimeout(path, tv)
        case .tcp(let host, let port): ctx = redisConnectWithTimeout(host, Int32(port), tv)
        }
        guard let ctx else { throw RedisError.unavailable("out of memory") }
        if ctx.pointee.err != 0 {
            let message = Self.errorString(ctx)
            redisFree(ctx)
            throw RedisError.unavailable(message)
        }
        _ = redisSetTimeout(ctx, tv)
        context = ctx
    }

    deinit { redisFree(context) }

    /// False once hiredis has seen an I/O or protocol error; the connection is then useless.
    public var isHealthy: Bool { context.pointee.err == 0 }

    /// Sends one command (binary-safe arguments) and waits for its reply.
    @discardableResult
    public func command(_ args: [String]) throws -> RedisReply {
        guard isHealthy else { throw RedisError.unavailable(Self.errorString(context)) }
        let raw = withArgv(args) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let raw else { throw RedisError.unavailable(Self.errorString(context)) }
        let pointer = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        let reply = RedisReply(pointer)
        if case .error(let message) = reply { throw RedisError.command(message) }
        return reply
    }

    /// Queues a command without waiting (for the subscriber's pings and subscriptions).
    func append(_ args: [String]) -> Bool {
        withArgv(args) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) } == REDIS_OK
    }

    /// Writes everything queued; blocks up to the timeout.
    func flush() -> Bool {
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK { return false }
        }
        return true
    }

    /// A reply already read and parsed, if any; never blocks.
    func bufferedReply() -> RedisReply? {
        var raw: UnsafeMutableRawPointer? = nil
        guard redisReaderGetReply(context.pointee.reader, &raw) == REDIS_OK, let raw else { return nil }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Reads what the socket has; call only when poll() says it is readable.
    func readAvailable() -> Bool { redisBufferRead(context) == REDIS_OK }

    var fileDescriptor: Int32 { context.pointee.fd }

    static func errorString(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: ctx.pointee.errstr) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    private func withArgv<R>(_ args: [String], _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        // Arguments are copied with explicit lengths: a value may contain NUL bytes.
        let lengths: [Int] = args.map { $0.utf8.count }
        let copies: [UnsafeMutablePointer<CChar>] = args.map { arg in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: arg.utf8.count + 1)
            var i = 0
            for byte in arg.utf8 {
                buffer[i] = CChar(bitPattern: byte)
                i += 1
            }
            buffer[i] = 0
            return buffer
        }
        defer { for copy in copies { copy.deallocate() } }
        var argv: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        return argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                body(Int32(args.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
            }
        }
    }
}
