import Curl
import Domain
import Foundation
import Web

/// The calls we make to a Piped instance, over libcurl (http(s) only, no redirects, a size cap
/// and a deadline). Each call blocks the calling thread for at most its deadline.
struct PipedClient: Sendable {
    let settings: CatalogueSettings

    /// Why a call brought nothing usable; what the pages say and the log records.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// No answer within the deadline.
        case timedOut
        /// Refused, reset, unreachable, or an answer over the size cap.
        case unreachable(String)
        /// An HTTP status other than 200.
        case status(Int)
        /// 200, but not the JSON the endpoint answers with.
        case malformed(String)

        var description: String {
            switch self {
            case .timedOut: return "timed out"
            case .unreachable(let why): return "unreachable (\(why))"
            case .status(let code): return "answered HTTP \(code)"
            case .malformed(let why): return "answered malformed JSON: \(why)"
            }
        }

        /// A 4xx is about our question, not the instance's health (the breaker ignores it).
        var isInstanceFault: Bool {
            if case .status(let code) = self { return code >= 500 }
            return true
        }
    }

    /// Answers larger than this are refused: a video page with its formats and related items is
    /// a few hundred kB.
    static let maxBytes = 2 << 20
    /// YouTube Music's songs (not every video that mentions the words).
    static let searchFilter = "music_songs"

    func search(_ query: CatalogueQuery, deadline: Date) throws(Failure) -> [TrackStore.CatalogueTrack] {
        let body = try get("/search?q=\(PercentDecoding.encode(query.text))&filter=\(Self.searchFilter)", deadline: deadline)
        do { return try PipedReply.search(body) } catch { throw .malformed(error.description) }
    }

    func trending(deadline: Date) throws(Failure) -> [TrackStore.CatalogueTrack] {
        let body = try get("/trending?region=\(settings.region)", deadline: deadline)
        do { return try PipedReply.trending(body) } catch { throw .malformed(error.description) }
    }

    func streams(_ id: PipedID, deadline: Date) throws(Failure) -> PipedReply.Streams {
        let body = try get("/streams/\(id.value)", deadline: deadline)
        do { return try PipedReply.streams(body, id: id) } catch { throw .malformed(error.description) }
    }

    private func get(_ pathAndQuery: String, deadline: Date) throws(Failure) -> [UInt8] {
        let left = Int((deadline.timeIntervalSinceNow * 1000).rounded(.down))
        guard left >= 50 else { throw .timedOut }
        let reply: Curl.HTTPResponse
        do {
            reply = try Curl.http(
                url: settings.baseURL + pathAndQuery, headers: ["Accept: application/json", "User-Agent: Pomopomo"],
                timeoutMilliseconds: min(left, settings.timeoutMilliseconds), maxBytes: Self.maxBytes)
        } catch let failure as Curl.Failure {
            throw failure.timedOut ? .timedOut : .unreachable(failure.description)
        } catch {
            throw .unreachable("\(error)")
        }
        guard reply.status == 200 else { throw .status(reply.status) }
        return reply.body
    }
}
