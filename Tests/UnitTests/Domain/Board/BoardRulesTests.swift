import Testing

@testable import Domain

@Suite("Whiteboard rules")
struct BoardRulesTests {
    typealias P = RamerDouglasPeucker.Point

    @Test func simplificationKeepsEndsAndCorners() {
        let line = (0...100).map { P(Double($0), 0) }
        #expect(RamerDouglasPeucker.simplify(line, tolerance: 1.5) == [P(0, 0), P(100, 0)])
        let corner = (0...50).map { P(Double($0), 0) } + (1...50).map { P(50, Double($0)) }
        #expect(RamerDouglasPeucker.simplify(corner, tolerance: 1.5) == [P(0, 0), P(50, 0), P(50, 50)])
    }

    @Test func simplificationDropsOnlyWhatIsWithinTolerance() {
        let wobble = [P(0, 0), P(10, 1), P(20, 0), P(30, 3), P(40, 0)]
        #expect(RamerDouglasPeucker.simplify(wobble, tolerance: 1.5) == [P(0, 0), P(20, 0), P(30, 3), P(40, 0)])
        #expect(RamerDouglasPeucker.simplify(wobble, tolerance: 5) == [P(0, 0), P(40, 0)])
        #expect(RamerDouglasPeucker.simplify([P(1, 1)], tolerance: 1.5) == [P(1, 1)])
        // A closed loop (ends at one point) keeps its farthest points.
        let loop = [P(0, 0), P(10, 0), P(10, 10), P(0, 10), P(0, 0)]
        #expect(RamerDouglasPeucker.simplify(loop, tolerance: 1.5).count == 5)
    }

    @Test func aLongStrokeDoesNotRecurse() {
        // The worst case for the split search (every point a corner), at the most a stroke may post.
        let zigzag = (0..<BoardStroke.maxPostedPoints).map { P(Double($0) * 0.5, Double($0 % 2) * 5) }
        let kept = RamerDouglasPeucker.simplify(zigzag, tolerance: 1.5)
        #expect(kept.count > BoardStroke.maxPostedPoints * 9 / 10 && kept.first == zigzag.first && kept.last == zigzag.last)
    }

    @Test func strokesAreParsedSimplifiedAndRounded() throws {
        let stroke = try BoardStroke(tool: "pen", colour: "red", width: "thick", points: "0 0, 10.4 0.2 20 0 20 30.6")
        #expect(stroke.points == [0, 0, 20, 0, 20, 31])
        #expect(stroke.tool == .pen && stroke.colour == .red && stroke.width == .thick)
        let dot = try BoardStroke(tool: "eraser", colour: "ink", width: "thin", points: "5 5 5.2 5.1")
        #expect(dot.points == [5, 5, 5, 5], "a dot keeps two points")
        let edge = try BoardStroke(tool: "pen", colour: "ink", width: "thin", points: "1200 800 0 0")
        #expect(edge.points == [1200, 800, 0, 0])
    }

    @Test(arguments: [
        "NaN 1", "1 NaN", "nan 1", "Infinity 2", "inf 3", "-inf 4", "1e3 5", "0x10 6", "-1 5", "+1 5", "1201 5", "5 801",
        "99999999999999999999 1", "1 2 3", "", "   ", "a b", "1,,", ".5 1", "1. 2", "1.2.3 4", "１ 2", "1\u{0}2 3 4",
    ])
    func badPointsAreRefused(_ points: String) {
        #expect(throws: BoardRefusal.self) { try BoardStroke(tool: "pen", colour: "ink", width: "thin", points: points) }
    }

    @Test func tooManyPointsAreRefused() throws {
        let most = Array(repeating: "1 2", count: BoardStroke.maxPostedPoints).joined(separator: " ")
        #expect(try BoardStroke(tool: "pen", colour: "ink", width: "thin", points: most).points == [1, 2, 1, 2])
        #expect(throws: BoardRefusal.self) { try BoardStroke(tool: "pen", colour: "ink", width: "thin", points: most + " 3 4") }
        let huge = String(repeating: "1", count: 100_000)
        #expect(throws: BoardRefusal.self) { try BoardStroke(tool: "pen", colour: "ink", width: "thin", points: huge) }
    }

    @Test(arguments: [("brush", "ink", "thin"), ("pen", "gold", "thin"), ("pen", "ink", "huge"), ("", "", ""), ("PEN", "ink", "thin")])
    func unknownToolsColoursAndWidthsAreRefused(_ input: (String, String, String)) {
        #expect(throws: BoardRefusal.self) { try BoardStroke(tool: input.0, colour: input.1, width: input.2, points: "1 1 2 2") }
    }

    @Test func notePositionsStayOnTheBoard() throws {
        #expect(try NotePosition(x: "0", y: "0") == NotePosition(clampingX: 0, y: 0))
        #expect(try NotePosition(x: "1040", y: "700").x == 1040)
        for (x, y) in [("1041", "0"), ("0", "701"), ("-1", "0"), ("1e3", "0"), ("0x10", "0"), ("", "0"), ("9223372036854775808", "0"), ("1.5", "0")] {
            #expect(throws: BoardRefusal.self) { try NotePosition(x: x, y: y) }
        }
        #expect(NoteMove.left.applied(to: NotePosition(clampingX: 10, y: 0)).x == 0)
        #expect(NoteMove.down.applied(to: NotePosition(clampingX: 0, y: 690)).y == 700)
        #expect(NoteMove.right.applied(to: NotePosition(clampingX: 0, y: 0)).x == BoardGeometry.gridStep)
    }

    @Test func noteTextIsBounded() throws {
        #expect(try NoteText(validating: "  hi\r\nthere ").value == "hi\nthere")
        #expect(try NoteText(validating: String(repeating: "é", count: 280)).value.count == 280)
        for bad in ["", " \n ", String(repeating: "a", count: 281), "a\u{0}b", "evil \u{202E}txt", "x\u{FFFF}"] {
            #expect(throws: BoardRefusal.self) { try NoteText(validating: bad) }
        }
        #expect(throws: BoardRefusal.self) { try BoardName(validating: "two\nlines") }
        #expect(throws: BoardRefusal.self) { try BoardName(validating: String(repeating: "n", count: 61)) }
    }

    @Test func limitsAreCountedAndEnforced() throws {
        #expect(BoardTally.bytes(ofNote: "héllo") == 48 + 6)
        #expect(BoardTally.bytes(ofStroke: [0, 10, 100, 1200]) == 48 + 2 + 3 + 4 + 5)
        let full = BoardTally(notes: BoardLimits.notes, noteBytes: 20_000)
        #expect(throws: BoardRefusal.self) { try full.addingNote("one more") }
        let drawn = BoardTally(strokes: BoardLimits.strokes, strokeBytes: 100_000)
        #expect(throws: BoardRefusal.self) { try drawn.addingStroke([1, 1, 2, 2]) }
        let heavy = BoardTally(notes: 1, strokes: 10, noteBytes: 100, strokeBytes: BoardLimits.bytes - 160)
        #expect(try heavy.addingStroke([1, 1]).bytes == BoardLimits.bytes - 60 + 52)
        #expect(throws: BoardRefusal.self) { try heavy.addingStroke([1000, 1000, 1000, 1000]) }
        #expect(heavy.clearingStrokes == BoardTally(notes: 1, noteBytes: 100))
        // Shortening a note on a board past the limit (after a restore, say) is always allowed.
        let over = BoardTally(notes: 1, noteBytes: BoardLimits.bytes + 10)
        #expect(try over.replacingNote("long text", with: "short").noteBytes < over.noteBytes)
        let content = BoardContent(
            notes: [BoardNote(id: 1, text: "abc", colour: .blue, x: 0, y: 0)],
            strokes: [BoardStroke(tool: .pen, colour: .ink, width: .thin, points: [1, 2, 3, 4])])
        #expect(content.tally == BoardTally(notes: 1, strokes: 1, noteBytes: 51, strokeBytes: 56))
    }

    @Test func svgIsBuiltFromNumbersAndEscapedText() {
        let content = BoardContent(
            notes: [BoardNote(id: 7, text: "<script>alert(1)</script> & \"x\" 'y'", colour: .pink, x: 40, y: 60)],
            strokes: [
                BoardStroke(tool: .pen, colour: .blue, width: .medium, points: [1, 2, 3, 4]),
                BoardStroke(tool: .eraser, colour: .red, width: .thin, points: [5, 6, 5, 6]),
            ])
        let svg = BoardSVG.render(content, name: "<b>Plans</b>", for: .file)
        #expect(!svg.contains("<script") && !svg.contains("<b>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;") && BoardSVG.escape("& \"x\" 'y' <>") == "&amp; &quot;x&quot; &#39;y&#39; &lt;&gt;")
        #expect(svg.contains("<title>&lt;b&gt;Plans&lt;/b&gt;</title>"))
        #expect(svg.contains("<polyline points=\"1,2 3,4\" stroke=\"#1d63c9\" stroke-width=\"5\"/>"))
        #expect(svg.contains("<polyline points=\"5,6 5,6\" stroke=\"\(BoardGeometry.paper)\" stroke-width=\"6\"/>"))
        #expect(svg.contains("translate(40 60)") && svg.contains("fill=\"#ffc9de\""))
        let page = BoardSVG.render(content, name: "Plans", for: .page)
        #expect(page.contains("data-note=\"7\"") && page.contains("id=\"board-strokes\""))
        let thumb = BoardSVG.thumbnail(content, name: "Plans")
        #expect(thumb.contains("width=\"240\" height=\"160\"") && !thumb.contains("<text") && !thumb.contains("id="))
    }

    @Test func noteLinesWrapAndTruncate() {
        #expect(NoteLines.lines("short") == ["short"])
        #expect(NoteLines.lines("one two three four five six") == ["one two three", "four five six"])
        #expect(NoteLines.lines(String(repeating: "x", count: 20)) == [String(repeating: "x", count: 17), "xxx"])
        #expect(NoteLines.lines("a\n\nb") == ["a", "", "b"])
        let long = NoteLines.lines(String(repeating: "word ", count: 40))
        #expect(long.count == NoteLines.limit && long.last!.hasSuffix("…"))
    }
}
