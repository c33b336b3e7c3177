/// What a request's address may say in a log. Mailed-link tokens and OAuth codes travel in query
/// strings; a log line that keeps them hands a working sign-in to whoever reads the log.
public enum LogRedaction {
    /// Query parameters whose values are secrets.
    static let secretNames: Set<String> = ["token", "code", "state", "pending", "password"]

    /// `uri` with the value of every secret query parameter replaced by `…`.
    public static func uri(_ uri: String) -> String {
        guard let mark = uri.firstIndex(of: "?") else { return uri }
        let query = uri[uri.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            let decoded = (PercentDecoding.decode(Array(name.utf8), plusAsSpace: true) ?? name).lowercased()
            return secretNames.contains(decoded) && pair.contains("=") ? name + "=…" : String(pair)
        }
        return String(uri[..<mark]) + "?" + query.joined(separator: "&")
    }
}
