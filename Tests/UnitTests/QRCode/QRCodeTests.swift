import Testing

@testable import QRCode

@Suite("QR codes (libqrencode)")
struct QRCodeTests {
    @Test func anOTPAuthAddressBecomesASquareWithFinderPatterns() throws {
        let code = try QRCode(encoding: "otpauth://totp/Pomopomo:ana?secret=MZXW6YTBOIMZXW6YTBOIMZXW6YTBOIMZ&issuer=Pomopomo")
        #expect(code.width >= 21 && (code.width - 21) % 4 == 0)
        #expect(code.modules.count == code.width * code.width)
        // The three finder patterns: a dark 7×7 ring with a dark 3×3 centre in three corners.
        for (row, column) in [(0, 0), (0, code.width - 7), (code.width - 7, 0)] {
            #expect((0..<7).allSatisfy { code.isDark(row: row, column: column + $0) && code.isDark(row: row + 6, column: column + $0) })
            #expect(!code.isDark(row: row + 1, column: column + 1))
            #expect(code.isDark(row: row + 3, column: column + 3))
        }
    }

    @Test func theSVGIsBlackOnWhiteWithAQuietZoneAndANameAndNoMarkupFromTheLabel() throws {
        let code = try QRCode(encoding: "hello")
        let svg = code.svg(label: "Scan <me> & \"go\"")
        let side = code.width + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("role=\"img\" aria-label=\"Scan &lt;me&gt; &amp; &quot;go&quot;\""))
        #expect(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"))
        #expect(svg.contains("<path fill=\"#000\" d=\"M4 4h7v1h-7z"), "the top-left finder's first row, inside the quiet zone")
    }

    @Test func textNoVersionHoldsIsRefused() {
        #expect(throws: QRCode.Failure.self) { try QRCode(encoding: String(repeating: "x", count: 5000)) }
        #expect(throws: QRCode.Failure.self) { try QRCode(encoding: "") }
    }
}
