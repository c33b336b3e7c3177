import Foundation

/// Where the music catalogue comes from: a Piped-compatible API (POMOPOMO_PIPED_URL, e.g.
/// https://pipedapi.example.org), how long one call may take, and the trending region. Without
/// the URL the catalogue is off: its pages say so and nothing is ever fetched.
public struct CatalogueSettings: Sendable, Equatable {
    /// scheme://host[:port][/path] without a trailing slash.
    public let baseURL: String
    /// The whole of one call to the instance (connect, TLS, answer), in milliseconds: a cold
    /// search waits at most this long before the page says the catalogue is too slow.
    public let timeoutMilliseconds: Int
    /// ISO 3166 country code for Piped's /trending (the seed's one `trending` key).
    public let region: String

    /// A cool-off after a failed call: uncached pages answer at once instead of each waiting for
    /// a dead or slow instance; one call after it tries again.
    static let coolOffSeconds = 5.0

    /// nil when POMOPOMO_PIPED_URL is unset or empty (the catalogue is off).
    static func configured(_ env: [String: String], _ int: (String, Int, ClosedRange<Int>) throws -> Int) throws -> CatalogueSettings? {
        guard let raw = env["POMOPOMO_PIPED_URL"], !raw.isEmpty else { return nil }
        let url = String(raw.reversed().drop(while: { $0 == "/" }).reversed())
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parts.host, !host.isEmpty, parts.query == nil, parts.fragment == nil, parts.user == nil, parts.password == nil,
            url.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
        else {
            throw Config.Problem(
                description:
                    "POMOPOMO_PIPED_URL must be the http(s) address of a Piped API without query (e.g. https://pipedapi.example.org), got “\(raw)”")
        }
        let region = (env["POMOPOMO_PIPED_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "US").uppercased()
        guard region.utf8.count == 2, region.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw Config.Problem(description: "POMOPOMO_PIPED_REGION must be a two-letter country code (e.g. US, DE), got “\(region)”")
        }
        return CatalogueSettings(
            baseURL: url, timeoutMilliseconds: try int("POMOPOMO_PIPED_TIMEOUT_MS", 3000, 200...30_000), region: region)
    }

    /// scheme://host[:port] of the instance.
    var origin: String {
        guard let parts = URLComponents(string: baseURL), let scheme = parts.scheme, let host = parts.host else { return baseURL }
        return "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
    }

    /// What a page that shows catalogue thumbnails or plays catalogue streams adds to its CSP
    /// (`Response.mediaSources`): any https source (Piped's proxies have their own hosts, often
    /// several), and the instance itself when it is plain http (a local instance; the tests' fake).
    var mediaSources: [String] { origin.hasPrefix("https://") ? ["https:"] : ["https:", origin] }
}
