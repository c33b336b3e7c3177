import Foundation

/// A library track's title, artist and album, from what the admin typed or else from the file's
/// tags, or else (the title) from the file's name. Tags are untrusted text from the file: control
/// characters and text-direction overrides are dropped, white space folded, and each is cut to
/// the column's 200 characters. Markup stays as text; every page escapes it.
public struct TrackTags: Sendable, Equatable {
    public let title: String
    public let artist: String
    public let album: String?

    public static let maxLength = 200

    public init(typed: (title: String, artist: String, album: String), tags: [String: String], fileName: String) {
        func pick(_ typed: String, _ key: String) -> String {
            let own = Self.clean(typed)
            return own.isEmpty ? Self.clean(tags[key] ?? "") : own
        }
        let title = pick(typed.title, "title")
        self.title = title.isEmpty ? Self.titleFromFileName(fileName) : title
        artist = pick(typed.artist, "artist")
        let album = pick(typed.album, "album")
        self.album = album.isEmpty ? nil : album
    }

    public static func clean(_ raw: String) -> String {
        let visible = String(String.UnicodeScalarView(raw.unicodeScalars.filter { !TypedText.isHidden($0) }))
        let folded = visible.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").precomposedStringWithCanonicalMapping
        guard folded.count > maxLength || folded.unicodeScalars.count > maxLength * 4 else { return folded }
        var cut = String(folded.prefix(maxLength))
        while cut.unicodeScalars.count > maxLength * 4 { cut.removeLast() }
        return cut
    }

    /// "02 - Rain_on the roof.flac" → "02 - Rain on the roof"; "Untitled track" when nothing is left.
    static func titleFromFileName(_ name: String) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let stem = base.contains(".") ? String(base[..<base.lastIndex(of: ".")!]) : base
        let words = clean(stem.replacingOccurrences(of: "_", with: " "))
        return words.isEmpty ? "Untitled track" : words
    }
}
