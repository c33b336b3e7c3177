/// One stroke as stored: its tool, colour and width, and its points as whole numbers on the
/// board (`points` alternates x and y). Nothing else of what a browser sent survives.
public struct BoardStroke: Sendable, Equatable, Codable {
    public let tool: StrokeTool
    public let colour: InkColour
    public let width: StrokeWidth
    public let points: [Int]

    /// Points a stroke may be posted with (before simplification).
    public static let maxPostedPoints = 2_000
    /// Simplification tolerance in board units: a point within 1.5 units (a pixel and a half at
    /// full size) of the line through its kept neighbours is dropped.
    public static let tolerance = 1.5
    /// The points field's size in bytes past which it is refused before it is read.
    static let maxFieldBytes = 48_000

    public init(tool: StrokeTool, colour: InkColour, width: StrokeWidth, points: [Int]) {
        self.tool = tool
        self.colour = colour
        self.width = width
        self.points = points
    }

    /// A stroke as a form posts it: `points` is "x y x y …" (spaces or commas between numbers,
    /// decimals allowed), every x within 0…width and y within 0…height. Refused: anything but
    /// plain decimal numbers (NaN, Infinity, 1e3, 0x10, -1), points off the board, an odd count,
    /// none at all, more than `maxPostedPoints` points. Kept: the points simplified
    /// (Ramer–Douglas–Peucker, `tolerance`), rounded, without repeats; a single point stays as a dot.
    public init(tool: String, colour: String, width: String, points text: String) throws(BoardRefusal) {
        guard let tool = StrokeTool(rawValue: tool) else { throw .invalid("Choose the pen or the eraser.") }
        guard let colour = InkColour(rawValue: colour) else { throw .invalid("Choose one of the pen's colours.") }
        guard let width = StrokeWidth(rawValue: width) else { throw .invalid("Choose one of the pen's widths.") }
        let parsed = try Self.parsePoints(text)
        let simplified = RamerDouglasPeucker.simplify(parsed, tolerance: Self.tolerance)
        var flat: [Int] = []
        flat.reserveCapacity(simplified.count * 2)
        for point in simplified {
            let x = Int(point.x.rounded())
            let y = Int(point.y.rounded())
            if flat.count >= 2, flat[flat.count - 2] == x, flat[flat.count - 1] == y { continue }
            flat += [x, y]
        }
        if flat.count == 2 { flat += flat }
        self.init(tool: tool, colour: colour, width: width, points: flat)
    }

    static func parsePoints(_ text: String) throws(BoardRefusal) -> [RamerDouglasPeucker.Point] {
        if text.utf8.count > Self.maxFieldBytes {
            throw .invalid("A stroke can have at most \(Self.maxPostedPoints) points: draw it in shorter pieces.")
        }
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        if tokens.isEmpty { throw .invalid("A stroke needs at least one point.") }
        if tokens.count > Self.maxPostedPoints * 2 {
            throw .invalid("A stroke can have at most \(Self.maxPostedPoints) points: draw it in shorter pieces.")
        }
        if tokens.count % 2 != 0 { throw .invalid("A stroke's points come in pairs (x y); this one has an odd count of numbers.") }
        var numbers: [Double] = []
        numbers.reserveCapacity(tokens.count)
        for token in tokens {
            guard let value = Self.plainNumber(token) else {
                throw .invalid("A stroke's points must be plain numbers like 12 or 12.5 (not “\(token.prefix(12))”).")
            }
            numbers.append(value)
        }
        var points: [RamerDouglasPeucker.Point] = []
        points.reserveCapacity(numbers.count / 2)
        for index in stride(from: 0, to: numbers.count, by: 2) {
            let x = numbers[index]
            let y = numbers[index + 1]
            guard x <= Double(BoardGeometry.width), y <= Double(BoardGeometry.height) else {
                throw .invalid("A stroke's points must lie on the board (x 0–\(BoardGeometry.width), y 0–\(BoardGeometry.height)).")
            }
            points.append(.init(x, y))
        }
        return points
    }

    /// Digits, optionally a dot and more digits: nothing that `Double(_:)` would also read
    /// (nan, inf, exponents, hexadecimal, signs). At most 12 characters, so no huge values.
    static func plainNumber(_ token: Substring) -> Double? {
        let bytes = Array(token.utf8)
        guard !bytes.isEmpty, bytes.count <= 12, bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: ".") else { return nil }
        var dots = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") { dots += 1 } else if byte < 0x30 || byte > 0x39 { return nil }
        }
        guard dots <= 1, let value = Double(token), value.isFinite else { return nil }
        return value
    }
}
