/// A note's text broken into the lines its SVG shows: words wrapped at `width` characters,
/// over-long words split, at most `limit` lines, the last ending in "…" when text was left out.
public enum NoteLines {
    public static let width = 17
    public static let limit = 5

    public static func lines(_ text: String, width: Int = NoteLines.width, limit: Int = NoteLines.limit) -> [String] {
        var all: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var rest = Substring(word)
                if !line.isEmpty && line.count + 1 + rest.count > width {
                    all.append(line)
                    line = ""
                }
                if !line.isEmpty { line += " " }
                while line.count + rest.count > width {
                    let take = width - line.count
                    line += rest.prefix(take)
                    rest = rest.dropFirst(take)
                    all.append(line)
                    line = ""
                }
                line += rest
            }
            all.append(line)
            if all.count > limit { break }
        }
        guard all.count > limit else { return all }
        var shown = Array(all.prefix(limit))
        shown[limit - 1] = String(shown[limit - 1].prefix(width - 1)) + "…"
        return shown
    }
}
