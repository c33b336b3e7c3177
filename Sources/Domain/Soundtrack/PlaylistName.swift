import Foundation

/// A playlist's name as typed: one line (runs of white space, line breaks included, become one
/// space), 1–100 characters. Control characters and text-direction overrides are refused, not
/// dropped, so what is stored is what was typed.
public enum PlaylistName {
    public static func clean(_ raw: String) throws(SoundtrackRefusal) -> String {
        if raw.unicodeScalars.contains(where: TypedText.isHidden) {
            throw .invalid("A playlist's name cannot contain control characters or text-direction overrides.")
        }
        let folded = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").precomposedStringWithCanonicalMapping
        if folded.isEmpty { throw .invalid("Give the playlist a name.") }
        let max = MusicLimits.playlistNameLength
        if folded.count > max { throw .invalid("A playlist's name can be at most \(max) characters long (this one has \(folded.count)).") }
        // A long run of combining marks is one character but many code points.
        if folded.unicodeScalars.count > max * 4 { throw .invalid("That name is built of too many parts (accents, joiners).") }
        return folded
    }
}
