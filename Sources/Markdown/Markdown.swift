internal import CDiscount
import Foundation

/// Renders Markdown with Discount. Raw HTML is escaped, link schemes are checked (no
/// `javascript:`, `data:`, `vbscript:`…) and images are not rendered at all, because Discount's
/// SAFELINK check does not cover image sources. Pure CPU work: it does not block.
public enum Markdown {
    static let safeFlags: mkd_flag_t = mkd_flag_t(MKD_NOHTML | MKD_SAFELINK | MKD_NOIMAGE | MKD_NOPANTS | MKD_NOSTYLE)

    /// Discount keeps global tables that must be built before several threads render at once.
    public static let initialized: Bool = {
        mkd_initialize()
        return true
    }()

    /// Safe HTML for a user's Markdown text; an empty string for empty input or on failure.
    public static func renderSafeHTML(_ text: String) -> String {
        precondition(initialized)
        var source = Array(text.utf8)
        // Discount treats the buffer as bytes; a NUL would end the document early.
        source.removeAll { $0 == 0 }
        if source.isEmpty { return "" }
        return source.withUnsafeMutableBufferPointer { buffer -> String in
            guard
                let doc = buffer.baseAddress!.withMemoryRebound(
                    to: CChar.self, capacity: buffer.count,
                    {
                        mkd_string($0, Int32(buffer.count), safeFlags)
                    })
            else { return "" }
            defer { mkd_cleanup(doc) }
            guard mkd_compile(doc, safeFlags) != 0 else { return "" }
            var out: UnsafeMutablePointer<CChar>? = nil
            let length = mkd_document(doc, &out)
            guard length > 0, let out else { return "" }
            // mkd_document's buffer belongs to the document and is freed by mkd_cleanup.
            let html = out.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
            }
            // Links in user text earn no ranking and get no handle on our page. With raw HTML
            // escaped, every "<a href=" in the output is Discount's own.
            return html.replacingOccurrences(of: "<a href=\"", with: "<a rel=\"nofollow noopener ugc\" href=\"")
        }
    }
}
