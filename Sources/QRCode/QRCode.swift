internal import CQRencode
import Foundation
import Web

/// A QR code made by libqrencode (Debian's libqrencode4): its square of modules, dark or light.
/// Encoding blocks only for the CPU time it takes (well under a millisecond for an otpauth URI);
/// libqrencode is built thread-safe, so any thread may call it.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (21 for version 1, four more per version).
    public let width: Int
    /// Row by row, `width * width` values; true is a dark module.
    public let modules: [Bool]

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Encodes `text` as bytes (8-bit mode) at error-correction level M, in the smallest version
    /// that holds it. Text too long for any QR version fails.
    public init(encoding text: String) throws {
        guard !text.isEmpty, !text.utf8.contains(0) else { throw Failure(description: "nothing to encode") }
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw Failure(description: "libqrencode refused the text (errno \(errno))")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte says dark; the other bits are libqrencode's own bookkeeping.
        let bytes = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        self.width = width
        self.modules = bytes.map { $0 & 1 == 1 }
    }

    public func isDark(row: Int, column: Int) -> Bool { modules[row * width + column] }

    /// The code as a standalone SVG element: one path of unit squares on a white square with the
    /// four-module quiet zone scanners need, black on white whatever the page's colours (a dark
    /// theme must not invert it). `label` is its accessible name.
    public func svg(label: String, pixelSize: Int = 240) -> String {
        let side = width + 8
        var path = ""
        path.reserveCapacity(width * width * 6)
        for row in 0..<width {
            var column = 0
            // Runs of dark modules in a row become one rectangle: a third of the size of one per module.
            while column < width {
                guard isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                let start = column
                while column < width && isDark(row: row, column: column) { column += 1 }
                path += "M\(start + 4) \(row + 4)h\(column - start)v1h-\(column - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(pixelSize)" height="\(pixelSize)" \
            role="img" aria-label="\(HTMLEscape.escape(label))" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
