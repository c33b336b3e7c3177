import Domain
import Foundation
import Postgres

/// The boards part of "download my data": each board's name, version, notes and strokes (the
/// shape undo keeps them in) and its SVG.
enum BoardExport {
    struct Board: Encodable {
        let name: String
        let version: Int
        let notes: [BoardNote]
        let strokes: [BoardStroke]
        let svg: String
    }

    static func json(userID: String, database: PostgresPool) throws -> String {
        let boards = try BoardStore(database: database).all(userID: userID).map {
            Board(
                name: $0.head.name, version: $0.head.version, notes: $0.content.notes, strokes: $0.content.strokes,
                svg: BoardSVG.render($0.content, name: $0.head.name, for: .file))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(boards), as: UTF8.self)
    }
}
