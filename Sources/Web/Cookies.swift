/// The Cookie request header, parsed leniently (browsers send what they were given), and
/// Set-Cookie values built strictly.
public enum Cookies {
    public static func parse(_ header: String?) -> [String: String] {
        guard let header, header.utf8.count <= 8192 else { return [:] }
        var cookies: [String: String] = [:]
        for part in header.split(separator: ";") {
            guard let eq = part.firstIndex(of: "=") else { continue }
            let name = part[..<eq].trimmingSpaces
            let value = part[part.index(after: eq)...].trimmingSpaces
            // The first cookie of a name wins: it is the most specific path, per RFC 6265.
            if cookies[name] == nil { cookies[name] = value }
        }
        return cookies
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
