import Testing

@testable import Web

@Suite("Splicing pre-rendered parts")
struct SpliceTests {
    @Test func partsReplaceTheirMarkersJoinedWithTheToken() {
        let rendered = Array("<a>\(Splice.marker(0).html)</a><b>\(Splice.marker(1).html)</b>".utf8)
        var out: [UInt8] = []
        Splice.assemble(rendered, parts: [[Array("x".utf8), Array("y".utf8)], [Array("z".utf8)]], joiner: Array("TOKEN".utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "<a>xTOKENy</a><b>z</b>")
    }

    @Test func controlBytesThatAreNotOurMarkersStay() {
        // What a user could type: the marker's framing bytes without the per-process secret.
        let typed = "\u{2}AAAAAAAAAAAAAAAA0\u{3} and \u{2}"
        var out: [UInt8] = []
        Splice.assemble(Array(typed.utf8), parts: [[Array("PART".utf8)]], joiner: [], into: &out)
        #expect(String(decoding: out, as: UTF8.self) == typed)
    }

    @Test func textWithoutMarkersIsCopiedAsIs() {
        var out: [UInt8] = []
        Splice.assemble(Array("short".utf8), parts: [], joiner: [], into: &out)
        #expect(out == Array("short".utf8))
        out = []
        Splice.assemble([], parts: [], joiner: [], into: &out)
        #expect(out.isEmpty)
    }
}
