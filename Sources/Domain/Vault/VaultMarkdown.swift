import Foundation

/// The vault as plain Markdown, one quote per block, for import and export:
///
///     The quote's text, in Markdown, over as many lines
///     (and paragraphs) as it needs.
///     — Its source (optional: a line starting with "— " or "-- ")
///     tags: focus, calm (optional, always the last line)
///
///     ---
///
///     The next quote.
///
/// Blocks are separated by a line holding only `---`. Blank lines around a block are ignored,
/// so are empty blocks. The source and tags lines are read from the end of a block: a quote
/// whose last line itself starts with "— " (and has no source) comes back with that line as its
/// source.
public enum VaultMarkdown {
    /// A block as read, numbered from 1 in the order it came.
    public struct Problem: Sendable, Equatable {
        public let block: Int
        public let message: String
    }

    public struct Parsed: Sendable, Equatable {
        public let drafts: [QuoteDraft]
        public let problems: [Problem]
    }

    /// Whether `line` separates blocks.
    public static func isSeparator<S: StringProtocol>(_ line: S) -> Bool {
        line.trimmingCharacters(in: .whitespaces) == "---"
    }

    /// Every block of `text`, each checked as the add form checks it.
    public static func parse(_ text: String) -> Parsed {
        var drafts: [QuoteDraft] = []
        var problems: [Problem] = []
        var number = 0
        for block in blocks(text) {
            number += 1
            do throws(VaultRefusal) {
                drafts.append(try draft(block))
            } catch {
                problems.append(Problem(block: number, message: error.message))
            }
        }
        return Parsed(drafts: drafts, problems: problems)
    }

    /// The lines of each non-empty block, without blank lines at either end.
    static func blocks(_ text: String) -> [[Substring]] {
        var out: [[Substring]] = []
        var current: [Substring] = []
        func close() {
            while let first = current.first, first.allSatisfy(\.isWhitespace) { current.removeFirst() }
            while let last = current.last, last.allSatisfy(\.isWhitespace) { current.removeLast() }
            if !current.isEmpty { out.append(current) }
            current = []
        }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for line in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            if isSeparator(line) { close() } else { current.append(line) }
        }
        close()
        return out
    }

    static func draft(_ block: [Substring]) throws(VaultRefusal) -> QuoteDraft {
        var lines = block
        var tags = ""
        var source = ""
        if let last = lines.last, last.lowercased().hasPrefix("tags:") {
            tags = String(last.dropFirst(5))
            lines.removeLast()
            while let end = lines.last, end.allSatisfy(\.isWhitespace) { lines.removeLast() }
        }
        if let last = lines.last, let rest = sourceText(last) {
            source = rest
            lines.removeLast()
        }
        return try QuoteDraft(body: lines.joined(separator: "\n"), source: source, tags: tags)
    }

    /// The source on a line "— Marcus Aurelius" or "-- Marcus Aurelius"; nil for other lines.
    static func sourceText(_ line: Substring) -> String? {
        for mark in ["— ", "-- "] where line.hasPrefix(mark) { return String(line.dropFirst(mark.count)) }
        return nil
    }

    /// One block for a quote, in the format `parse` reads.
    public static func block(body: String, source: String, tags: [String]) -> String {
        var out = body
        if !source.isEmpty { out += "\n— " + source }
        if !tags.isEmpty { out += "\ntags: " + tags.joined(separator: ", ") }
        return out
    }

    /// The whole export: blocks separated by `---` lines, ending with a line break.
    public static func document(_ blocks: [String]) -> String {
        blocks.isEmpty ? "" : blocks.joined(separator: "\n\n---\n\n") + "\n"
    }
}
