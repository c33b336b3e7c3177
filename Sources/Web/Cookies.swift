/// The Cookie request header, parsed leniently (browsers send what they were given), and
/// Set-Cookie values built strictly.
public enum Cookies {
    public static func parse(_ header: String?) -> [String: String] {
        guard let header, header.utf8.count <= 8192 else { return [:] }
        var cookies: [String: String] = [:]
        // Over the UTF-8 bytes: every request has this header, and walking it by Character
        // (grapheme breaking) cost more than the rest of parsing the request.
        let bytes = Array(header.utf8)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: ";") { end += 1 }
            if let eq = bytes[start..<end].firstIndex(of: UInt8(ascii: "=")) {
                let name = trimmed(bytes, start, eq)
                // The first cookie of a name wins: it is the most specific path, per RFC 6265.
                if cookies[name] == nil { cookies[name] = trimmed(bytes, eq + 1, end) }
            }
            start = end + 1
        }
        return cookies
    }

    /// bytes[from..<to] without the spaces and tabs around it, as a string.
    private static func trimmed(_ bytes: [UInt8], _ from: Int, _ to: Int) -> String {
        var from = from
        var to = to
        while from < to && (bytes[from] == 32 || bytes[from] == 9) { from += 1 }
        while to > from && (bytes[to - 1] == 32 || bytes[to - 1] == 9) { to -= 1 }
        return String(decoding: bytes[from..<to], as: UTF8.self)
    }

    public static func setCookie(name: String, value: String, maxAge: Int?, secure: Bool, path: String = "/") -> String {
        var parts = ["\(name)=\(value)", "Path=\(path)", "HttpOnly", "SameSite=Lax"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
