import Domain
import Foundation

/// Reads a Piped instance's JSON (the shapes of Piped-Backend's SearchResults, StreamItem,
/// Streams and PipedStream) into what we keep. The instance is outside our control: everything
/// is checked, anything unusable is dropped item by item, and only an answer that is not the
/// expected JSON at all is `Malformed`.
enum PipedReply {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// A video's page (/streams/{id}): the video itself, what to play, what is related.
    struct Streams {
        let track: TrackStore.CatalogueTrack?
        let related: [TrackStore.CatalogueTrack]
        let audio: [AudioStreamChoice.Candidate]
        let muxed: [AudioStreamChoice.Candidate]
        let livestream: Bool
    }

    /// At most this many items are kept from one list.
    static let maxItems = 30

    /// GET /search?q=…&filter=music_songs: `{"items": [...], "nextpage": …}`.
    static func search(_ body: [UInt8]) throws(Malformed) -> [TrackStore.CatalogueTrack] {
        guard let object = try json(body) as? [String: Any], let items = object["items"] as? [Any] else {
            throw Malformed(description: "a search answer without an items list")
        }
        return tracks(items)
    }

    /// GET /trending?region=XX: a bare list of items.
    static func trending(_ body: [UInt8]) throws(Malformed) -> [TrackStore.CatalogueTrack] {
        guard let items = try json(body) as? [Any] else { throw Malformed(description: "a trending answer that is not a list") }
        return tracks(items)
    }

    /// GET /streams/{id}.
    static func streams(_ body: [UInt8], id: PipedID) throws(Malformed) -> Streams {
        guard let object = try json(body) as? [String: Any] else { throw Malformed(description: "a streams answer that is not an object") }
        var track: TrackStore.CatalogueTrack? = nil
        if let title = cleaned(object["title"]), let duration = seconds(object["duration"]) {
            track = TrackStore.CatalogueTrack(
                pipedID: id, title: title, artist: artist(object["uploader"]), album: nil,
                thumbnailURL: thumbnail(object["thumbnailUrl"]), durationSeconds: duration)
        }
        let related = tracks(object["relatedStreams"] as? [Any] ?? []).filter { $0.pipedID != id }
        return Streams(
            track: track, related: related,
            audio: candidates(object["audioStreams"]), muxed: candidates(object["videoStreams"]),
            livestream: object["livestream"] as? Bool ?? false)
    }

    private static func json(_ body: [UInt8]) throws(Malformed) -> Any {
        do { return try JSONSerialization.jsonObject(with: Data(body)) } catch {
            throw Malformed(description: "not JSON (\(body.count) bytes)")
        }
    }

    /// Stream items only (channels and playlists share the lists), each once, in the instance's order.
    static func tracks(_ items: [Any]) -> [TrackStore.CatalogueTrack] {
        var seen = Set<PipedID>()
        var out: [TrackStore.CatalogueTrack] = []
        for case let item as [String: Any] in items {
            guard let track = track(item), seen.insert(track.pipedID).inserted else { continue }
            out.append(track)
            if out.count == maxItems { break }
        }
        return out
    }

    /// One StreamItem, or nil: another kind of item, a Short, a live stream (no length), or a
    /// field we cannot trust.
    static func track(_ item: [String: Any]) -> TrackStore.CatalogueTrack? {
        if let type = item["type"] as? String, type != "stream" { return nil }
        if item["isShort"] as? Bool == true { return nil }
        guard let url = item["url"] as? String, let id = videoID(url), let title = cleaned(item["title"]),
            let duration = seconds(item["duration"])
        else { return nil }
        return TrackStore.CatalogueTrack(
            pipedID: id, title: title, artist: artist(item["uploaderName"]), album: nil,
            thumbnailURL: thumbnail(item["thumbnail"]), durationSeconds: duration)
    }

    /// The `v` of "/watch?v=ID" (what Piped's items carry), if it is a video id.
    static func videoID(_ url: String) -> PipedID? {
        guard url.utf8.count <= 200, let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") where pair.hasPrefix("v=") {
            return PipedID(String(pair.dropFirst(2)))
        }
        return nil
    }

    /// 1 s … 24 h; a live stream's -1 and a missing length are nil.
    static func seconds(_ value: Any?) -> Int? {
        let n: Int? = (value as? Int) ?? (value as? Double).flatMap { $0.isFinite ? Int($0) : nil }
        guard let n, (1...86_400).contains(n) else { return nil }
        return n
    }

    /// Text as shown: control and bidirectional-override characters gone (a title must not
    /// reorder the page around it), white space collapsed, at most 200 characters; nil if empty.
    static func cleaned(_ value: Any?) -> String? {
        guard let text = value as? String, text.utf8.count <= 4096 else { return nil }
        let kept = String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { s in
                    s.properties.generalCategory != .control && !(0x202A...0x202E).contains(s.value)
                        && !(0x2066...0x2069).contains(s.value) && s.value != 0x200E && s.value != 0x200F
                }))
        let joined = kept.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !joined.isEmpty else { return nil }
        return String(joined.prefix(200))
    }

    /// The uploader as an artist: YouTube Music's auto-generated "Name - Topic" channels are the artist Name.
    static func artist(_ value: Any?) -> String {
        guard var name = cleaned(value) else { return "" }
        if name.hasSuffix(" - Topic") { name = String(name.dropLast(8)) }
        return name
    }

    /// An https address of at most 500 printable ASCII characters with a host, or nil: pages show
    /// thumbnails over https only (never mixed content, never a `javascript:` or `data:` URL).
    static func thumbnail(_ value: Any?) -> String? {
        guard let url = value as? String, url.utf8.count <= 500, url.lowercased().hasPrefix("https://"),
            url.utf8.allSatisfy({
                $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">")
                    && $0 != UInt8(ascii: "\\")
            }),
            let host = URLComponents(string: url)?.host, !host.isEmpty
        else { return nil }
        return url
    }

    private static func candidates(_ value: Any?) -> [AudioStreamChoice.Candidate] {
        guard let list = value as? [Any] else { return [] }
        return list.compactMap { entry in
            guard let s = entry as? [String: Any], let url = s["url"] as? String, !url.isEmpty, url.utf8.count <= 4096,
                let mime = s["mimeType"] as? String
            else { return nil }
            return AudioStreamChoice.Candidate(
                url: url, mimeType: mime, bitrate: (s["bitrate"] as? Int) ?? 0, videoOnly: (s["videoOnly"] as? Bool) ?? false,
                audioTrackType: s["audioTrackType"] as? String)
        }
    }
}
