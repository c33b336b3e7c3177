import Foundation

/// Chat text made safe for HTML, as the app's `ChatFormat` does it: everything escaped, and http(s)
/// links (only those) turned into links that cannot act for the page or pass on who linked them.
/// A peer needs its own: the app's lives in its Web module, which links libsodium and libfcgi's world.
enum ChatText {
    static func html(_ text: String) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            guard let start = nextLink(in: text, from: index) else {
                out += escape(text[index...])
                break
            }
            out += escape(text[index..<start])
            var end = text[start...].firstIndex(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" }) ?? text.endIndex
            // Trailing punctuation usually ends the sentence, not the link.
            while end > start, let last = text[..<end].last, ".,;:!?)]}'".contains(last) { end = text.index(before: end) }
            let url = text[start..<end]
            if url.count <= 8 || url.hasSuffix("://") {
                out += escape(url)
            } else {
                out += "<a href=\"\(escape(url))\" rel=\"nofollow noopener ugc\" target=\"_blank\">\(escape(url))</a>"
            }
            index = end
        }
        return out
    }

    static func nextLink(in text: String, from: String.Index) -> String.Index? {
        var search = from
        while let range = text.range(of: "http", options: [.caseInsensitive], range: search..<text.endIndex) {
            let rest = text[range.lowerBound...].lowercased()
            let atWordStart = range.lowerBound == text.startIndex || !text[text.index(before: range.lowerBound)].isLetter
            if atWordStart && (rest.hasPrefix("https://") || rest.hasPrefix("http://")) { return range.lowerBound }
            search = range.upperBound
        }
        return nil
    }

    /// The five characters the Mustache spec escapes.
    static func escape(_ s: Substring) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
