import Foundation
import Logging

/// swift-log handler writing one `key=value` line per event to stderr. Values are quoted and
/// escaped so a CR/LF inside user input can never forge a second log line.
public struct KeyValueLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "ts=\(Self.timestamp()) level=\(event.level) msg=\(Self.quote(event.message.description))"
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in all.keys.sorted() {
            line += " \(key)=\(Self.quote(all[key]!.description))"
        }
        line += "\n"
        LogSink.write(Array(line.utf8), urgent: event.level >= .warning)
    }

    /// The same line as `log` would write for `message` with these fields (given in key order),
    /// built without a metadata dictionary: for the line every request gets.
    /// Built as bytes: the responder writes one for every answer, a wake-up thousands at once.
    public static func emit(level: Logger.Level, _ message: String, _ fields: KeyValuePairs<String, String>) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: "ts=".utf8)
        appendTimestamp(to: &line)
        line.append(contentsOf: " level=".utf8)
        line.append(contentsOf: level.rawValue.utf8)
        line.append(contentsOf: " msg=".utf8)
        appendQuoted(message, to: &line)
        for (key, value) in fields {
            line.append(32)
            line.append(contentsOf: key.utf8)
            line.append(61)
            appendQuoted(value, to: &line)
        }
        line.append(10)
        LogSink.write(line, urgent: level >= .warning)
    }

    static func appendQuoted(_ value: String, to line: inout [UInt8]) {
        if isPlain(value) {
            line.append(contentsOf: value.utf8)
        } else {
            line.append(contentsOf: quote(value).utf8)
        }
    }

    /// Printable ASCII without quote, backslash or `=`: written as it is.
    static func isPlain(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 34 && $0 != 92 && $0 != 61 }
    }

    public static func quote(_ value: String) -> String {
        if isPlain(value) { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// 2026-12-03T03:10:00.123Z, formatted by hand: String(format:) costs more than the rest of a line.
    static func timestamp() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendTimestamp(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendTimestamp(to out: inout [UInt8]) {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var tm = tm()
        var seconds = tv.tv_sec
        gmtime_r(&seconds, &tm)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(tm.tm_year) + 1900, 4)
        out.append(45)
        digits(Int(tm.tm_mon) + 1, 2)
        out.append(45)
        digits(Int(tm.tm_mday), 2)
        out.append(84)
        digits(Int(tm.tm_hour), 2)
        out.append(58)
        digits(Int(tm.tm_min), 2)
        out.append(58)
        digits(Int(tm.tm_sec), 2)
        out.append(46)
        digits(Int(tv.tv_usec / 1000), 3)
        out.append(90)
    }
}
