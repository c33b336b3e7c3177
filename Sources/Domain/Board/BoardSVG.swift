/// A board as SVG, built from its stored numbers and escaped note text alone: no text a browser
/// sent reaches the output except inside escaped `<text>` content and the escaped `<title>`.
/// Strokes are drawn first, in order (an eraser in the paper's colour), notes on top.
public enum BoardSVG {
    /// Where the SVG goes: a file of its own (with the XML namespace), the board page (notes
    /// carry their ids for board.js), or a thumbnail (notes without text, strokes simplified more).
    public enum Use: Sendable {
        case file, page, thumbnail(width: Int)
    }

    /// The thumbnail's extra simplification, in board units.
    public static let thumbnailTolerance = 6.0

    public static func render(_ content: BoardContent, name: String, for use: Use) -> String {
        let w = BoardGeometry.width
        let h = BoardGeometry.height
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\""
        switch use {
        case .file: out += " width=\"\(w)\" height=\"\(h)\""
        case .page: out += " id=\"board-svg\" class=\"board-svg\""
        case .thumbnail(let width): out += " width=\"\(width)\" height=\"\(width * h / w)\" class=\"board-thumbnail\""
        }
        out += " role=\"img\" aria-label=\"\(escape(name))\"><title>\(escape(name))</title>"
        out += "<rect width=\"\(w)\" height=\"\(h)\" fill=\"\(BoardGeometry.paper)\"/>"
        let onPage: Bool
        if case .page = use { onPage = true } else { onPage = false }
        out += "<g\(onPage ? " id=\"board-strokes\"" : "") fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">"
        for stroke in content.strokes { out += polyline(stroke, for: use) }
        out += "</g><g\(onPage ? " id=\"board-notes\"" : "")>"
        for note in content.notes { out += self.note(note, for: use) }
        return out + "</g></svg>"
    }

    /// The small picture /me shows of a board.
    public static func thumbnail(_ content: BoardContent, name: String, width: Int = 240) -> String {
        render(content, name: name, for: .thumbnail(width: width))
    }

    static func polyline(_ stroke: BoardStroke, for use: Use) -> String {
        var points = stroke.points
        if case .thumbnail = use {
            let simplified = RamerDouglasPeucker.simplify(
                stride(from: 0, to: points.count - 1, by: 2).map { .init(Double(points[$0]), Double(points[$0 + 1])) },
                tolerance: thumbnailTolerance)
            points = simplified.flatMap { [Int($0.x), Int($0.y)] }
            if points.count == 2 { points += points }
        }
        var coordinates = ""
        coordinates.reserveCapacity(points.count * 4)
        for index in stride(from: 0, to: points.count - 1, by: 2) {
            if index > 0 { coordinates += " " }
            coordinates += "\(points[index]),\(points[index + 1])"
        }
        let colour = stroke.tool == .eraser ? BoardGeometry.paper : stroke.colour.stroke
        return "<polyline points=\"\(coordinates)\" stroke=\"\(colour)\" stroke-width=\"\(stroke.width.units(for: stroke.tool))\"/>"
    }

    static func note(_ note: BoardNote, for use: Use) -> String {
        let rect =
            "<rect width=\"\(BoardGeometry.noteWidth)\" height=\"\(BoardGeometry.noteHeight)\" rx=\"6\" fill=\"\(note.colour.fill)\" stroke=\"#000\" stroke-opacity=\"0.15\"/>"
        switch use {
        case .thumbnail:
            return "<g transform=\"translate(\(note.x) \(note.y))\">\(rect)</g>"
        case .file, .page:
            var out = "<g class=\"note\" transform=\"translate(\(note.x) \(note.y))\""
            if case .page = use { out += " id=\"svg-note-\(note.id)\" data-note=\"\(note.id)\"" }
            out += ">\(rect)<text x=\"10\" y=\"6\" font-family=\"sans-serif\" font-size=\"15\" fill=\"#222\">"
            for line in NoteLines.lines(note.text) { out += "<tspan x=\"10\" dy=\"17\">\(escape(line))</tspan>" }
            return out + "</text></g>"
        }
    }

    /// Text for XML content and attribute values: the five characters that mean something there.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
