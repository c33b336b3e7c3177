import Domain
import Foundation
import Postgres

/// SQL for `boards`, `board_notes`, `board_strokes` and `board_versions`. Every statement names
/// the owner (`boards.user_id`), so another person's board, note or version is simply not found.
struct BoardStore {
    let database: PostgresPool

    /// A board's name, version and tallies.
    struct Head: Sendable {
        let id: Int
        let name: String
        let version: Int
        let tally: BoardTally
        let updatedAt: Double
    }

    /// A board with what is drawn on it.
    struct Shown: Sendable {
        let head: Head
        let content: BoardContent
    }

    /// A kept version, as the history lists it.
    struct Kept: Sendable {
        let version: Int
        let change: BoardChange
        let restoredFrom: Int?
        let notes: Int
        let strokes: Int
        let createdAt: Double
        let content: BoardContent
    }

    /// One row of "SELECT b.id, b.name, b.version, b.note_count, b.stroke_count, b.note_bytes,
    /// b.stroke_bytes, extract(epoch FROM b.updated_at)::float8 FROM boards b", which each reader
    /// writes out whole.
    static func head(_ row: PostgresRow) -> Head {
        Head(
            id: row.int(0), name: row.string(1), version: row.int(2),
            tally: BoardTally(notes: row.int(3), strokes: row.int(4), noteBytes: row.int(5), strokeBytes: row.int(6)),
            updatedAt: row[7].flatMap(Double.init) ?? 0)
    }

    // MARK: reading

    /// The person's boards, the most recently changed first.
    func list(userID: String) throws -> [Head] {
        try database.query(
            """
            SELECT b.id, b.name, b.version, b.note_count, b.stroke_count, b.note_bytes, b.stroke_bytes, extract(epoch FROM b.updated_at)::float8
            FROM boards b WHERE b.user_id = $1 ORDER BY b.updated_at DESC, b.id DESC LIMIT $2
            """,
            [userID, BoardLimits.boards]
        ).map(Self.head)
    }

    /// One of the person's boards; nil when it is not theirs or does not exist.
    func head(_ boardID: Int, userID: String) throws -> Head? {
        try database.query(
            """
            SELECT b.id, b.name, b.version, b.note_count, b.stroke_count, b.note_bytes, b.stroke_bytes, extract(epoch FROM b.updated_at)::float8
            FROM boards b WHERE b.id = $1 AND b.user_id = $2
            """, [boardID, userID]
        ).first.map(Self.head)
    }

    /// The board's notes, oldest first.
    func notes(_ boardID: Int, userID: String) throws -> [BoardNote] {
        try database.query(
            """
            SELECT n.id, n.text, n.colour, n.x, n.y FROM board_notes n JOIN boards b ON b.id = n.board_id
            WHERE n.board_id = $1 AND b.user_id = $2 ORDER BY n.id
            """, [boardID, userID]
        ).map { BoardNote(id: $0.int(0), text: $0.string(1), colour: NoteColour(stored: $0.string(2)), x: $0.int(3), y: $0.int(4)) }
    }

    /// The board's strokes in drawing order, points as "x y x y …".
    func strokes(_ boardID: Int, userID: String) throws -> [BoardStroke] {
        try database.query(
            """
            SELECT s.tool, s.colour, s.width, array_to_string(s.points, ' ') FROM board_strokes s JOIN boards b ON b.id = s.board_id
            WHERE s.board_id = $1 AND b.user_id = $2 ORDER BY s.seq
            """, [boardID, userID]
        ).map {
            BoardStroke(
                tool: StrokeTool(stored: $0.string(0)), colour: InkColour(stored: $0.string(1)), width: StrokeWidth(stored: $0.string(2)),
                points: $0.string(3).split(separator: " ").compactMap { Int($0) })
        }
    }

    /// A board with its notes and strokes (three reads; a write in between shows as a newer version next time).
    func shown(_ boardID: Int, userID: String) throws -> Shown? {
        guard let head = try head(boardID, userID: userID) else { return nil }
        return Shown(head: head, content: BoardContent(notes: try notes(boardID, userID: userID), strokes: try strokes(boardID, userID: userID)))
    }

    /// The board's kept versions, newest first.
    func versions(_ boardID: Int, userID: String) throws -> [Kept] {
        try database.query(
            """
            SELECT v.version, v.change, v.restored_from, v.note_count, v.stroke_count, extract(epoch FROM v.created_at)::float8, v.content::text
            FROM board_versions v JOIN boards b ON b.id = v.board_id
            WHERE v.board_id = $1 AND b.user_id = $2 ORDER BY v.version DESC LIMIT $3
            """, [boardID, userID, BoardLimits.versionsKept]
        ).map {
            Kept(
                version: $0.int(0), change: BoardChange(stored: $0.string(1)), restoredFrom: $0[2].flatMap { Int($0) },
                notes: $0.int(3), strokes: $0.int(4), createdAt: $0[5].flatMap(Double.init) ?? 0,
                content: (try? JSONDecoder().decode(BoardContent.self, from: Data($0.string(6).utf8))) ?? BoardContent())
        }
    }

    /// Every board of the person with its content, for the data export.
    func all(userID: String) throws -> [Shown] {
        try list(userID: userID).compactMap { try shown($0.id, userID: userID) }
    }

    // MARK: boards

    /// Locks the person's row, so counting their boards and adding one cannot race another tab.
    static func lockOwner(_ userID: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userID])
    }

    /// The person's most recently changed board's id, nil when they have none.
    static func newest(userID: String, on conn: PostgresConnection) throws -> Int? {
        try conn.query("SELECT id FROM boards WHERE user_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 1", [userID]).first?.int(0)
    }

    /// A new empty board at version 1; nil when the person already has `BoardLimits.boards`
    /// (call `lockOwner` first in the same transaction).
    static func create(userID: String, name: BoardName, on conn: PostgresConnection) throws -> Int? {
        try conn.query(
            """
            INSERT INTO boards (user_id, name) SELECT $1::uuid, $2
            WHERE (SELECT count(*) FROM boards WHERE user_id = $1) < $3 RETURNING id
            """, [userID, name.value, BoardLimits.boards]
        ).first?.int(0)
    }

    /// Renames one of the person's boards (not a change to what is drawn: no new version); false when not theirs.
    static func rename(_ boardID: Int, userID: String, to name: BoardName, on conn: PostgresConnection) throws -> Bool {
        try conn.query("UPDATE boards SET name = $3 WHERE id = $1 AND user_id = $2", [boardID, userID, name.value]).affectedRows == 1
    }

    /// Deletes one of the person's boards with its notes, strokes and versions.
    static func delete(_ boardID: Int, userID: String, on conn: PostgresConnection) throws {
        try conn.query("DELETE FROM boards WHERE id = $1 AND user_id = $2", [boardID, userID])
    }

    /// Locks the person's board for a change and reads its version and tallies; nil when not theirs.
    static func lock(_ boardID: Int, userID: String, on conn: PostgresConnection) throws -> Head? {
        try conn.query(
            """
            SELECT b.id, b.name, b.version, b.note_count, b.stroke_count, b.note_bytes, b.stroke_bytes, extract(epoch FROM b.updated_at)::float8
            FROM boards b WHERE b.id = $1 AND b.user_id = $2 FOR UPDATE
            """, [boardID, userID]
        ).first.map(head)
    }

    /// Moves the board to its next version with the tallies after the change; returns that version.
    static func bump(_ boardID: Int, userID: String, tally: BoardTally, on conn: PostgresConnection) throws -> Int {
        try conn.query(
            """
            UPDATE boards SET version = version + 1, note_count = $3, stroke_count = $4, note_bytes = $5, stroke_bytes = $6, updated_at = now()
            WHERE id = $1 AND user_id = $2 RETURNING version
            """, [boardID, userID, tally.notes, tally.strokes, tally.noteBytes, tally.strokeBytes]
        ).first?.int(0) ?? 0
    }

    /// Keeps the board as it now is as its current version (the JSON shape of `BoardContent`).
    static func snapshot(_ boardID: Int, userID: String, change: BoardChange, restoredFrom: Int?, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO board_versions (board_id, version, change, restored_from, content, note_count, stroke_count, note_bytes, stroke_bytes)
            SELECT b.id, b.version, $3, $4::integer,
                   jsonb_build_object(
                     'notes', coalesce((SELECT jsonb_agg(jsonb_build_object('id', n.id, 'text', n.text, 'colour', n.colour, 'x', n.x, 'y', n.y)
                                        ORDER BY n.id) FROM board_notes n WHERE n.board_id = b.id), '[]'),
                     'strokes', coalesce((SELECT jsonb_agg(jsonb_build_object('tool', s.tool, 'colour', s.colour, 'width', s.width,
                                          'points', to_jsonb(s.points)) ORDER BY s.seq) FROM board_strokes s WHERE s.board_id = b.id), '[]')),
                   b.note_count, b.stroke_count, b.note_bytes, b.stroke_bytes
            FROM boards b WHERE b.id = $1 AND b.user_id = $2
            """, [boardID, userID, change.rawValue, restoredFrom])
    }

    /// Forgets versions older than the last `BoardLimits.versionsKept`.
    static func prune(_ boardID: Int, userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            DELETE FROM board_versions v USING boards b
            WHERE v.board_id = b.id AND b.id = $1 AND b.user_id = $2 AND v.version <= b.version - $3
            """, [boardID, userID, BoardLimits.versionsKept])
    }

    // MARK: notes

    /// One note of the person's board; nil when not there or not theirs.
    static func note(_ noteID: Int, boardID: Int, userID: String, on conn: PostgresConnection) throws -> BoardNote? {
        try conn.query(
            """
            SELECT n.id, n.text, n.colour, n.x, n.y FROM board_notes n JOIN boards b ON b.id = n.board_id
            WHERE n.id = $1 AND n.board_id = $2 AND b.user_id = $3
            """, [noteID, boardID, userID]
        ).first.map { BoardNote(id: $0.int(0), text: $0.string(1), colour: NoteColour(stored: $0.string(2)), x: $0.int(3), y: $0.int(4)) }
    }

    /// Adds a note to the person's board; returns its id.
    static func addNote(
        boardID: Int, userID: String, text: NoteText, colour: NoteColour, at position: NotePosition, on conn: PostgresConnection
    ) throws -> Int {
        try conn.query(
            "INSERT INTO board_notes (board_id, text, colour, x, y) SELECT b.id, $3, $4, $5, $6 FROM boards b WHERE b.id = $1 AND b.user_id = $2 RETURNING id",
            [boardID, userID, text.value, colour.rawValue, position.x, position.y]
        ).first?.int(0) ?? 0
    }

    /// Sets a note's text, colour and position.
    static func updateNote(
        _ noteID: Int, boardID: Int, userID: String, text: String, colour: NoteColour, at position: NotePosition, on conn: PostgresConnection
    ) throws {
        try conn.query(
            """
            UPDATE board_notes n SET text = $4, colour = $5, x = $6, y = $7 FROM boards b
            WHERE n.id = $1 AND n.board_id = $2 AND b.id = n.board_id AND b.user_id = $3
            """, [noteID, boardID, userID, text, colour.rawValue, position.x, position.y])
    }

    static func deleteNote(_ noteID: Int, boardID: Int, userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            "DELETE FROM board_notes n USING boards b WHERE n.id = $1 AND n.board_id = $2 AND b.id = n.board_id AND b.user_id = $3",
            [noteID, boardID, userID])
    }

    // MARK: strokes

    /// Draws a stroke on top of the others.
    static func addStroke(boardID: Int, userID: String, _ stroke: BoardStroke, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO board_strokes (board_id, seq, tool, colour, width, points)
            SELECT b.id, coalesce((SELECT max(s.seq) FROM board_strokes s WHERE s.board_id = b.id), 0) + 1, $3, $4, $5, $6::smallint[]
            FROM boards b WHERE b.id = $1 AND b.user_id = $2
            """,
            [
                boardID, userID, stroke.tool.rawValue, stroke.colour.rawValue, stroke.width.rawValue,
                "{" + stroke.points.map(String.init).joined(separator: ",") + "}",
            ])
    }

    static func clearStrokes(boardID: Int, userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            "DELETE FROM board_strokes s USING boards b WHERE s.board_id = $1 AND b.id = s.board_id AND b.user_id = $2", [boardID, userID])
    }

    // MARK: restoring

    /// The tallies a kept version had; nil when the board has no such version (or is not theirs).
    static func keptTally(_ boardID: Int, userID: String, version: Int, on conn: PostgresConnection) throws -> BoardTally? {
        try conn.query(
            """
            SELECT v.note_count, v.stroke_count, v.note_bytes, v.stroke_bytes FROM board_versions v JOIN boards b ON b.id = v.board_id
            WHERE v.board_id = $1 AND b.user_id = $2 AND v.version = $3
            """, [boardID, userID, version]
        ).first.map { BoardTally(notes: $0.int(0), strokes: $0.int(1), noteBytes: $0.int(2), strokeBytes: $0.int(3)) }
    }

    static func deleteNotes(boardID: Int, userID: String, on conn: PostgresConnection) throws {
        try conn.query("DELETE FROM board_notes n USING boards b WHERE n.board_id = $1 AND b.id = n.board_id AND b.user_id = $2", [boardID, userID])
    }

    /// Puts back the notes a kept version had, with their ids (call `deleteNotes` first).
    static func restoreNotes(boardID: Int, userID: String, version: Int, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO board_notes (id, board_id, text, colour, x, y)
            SELECT (n->>'id')::bigint, b.id, n->>'text', n->>'colour', (n->>'x')::integer, (n->>'y')::integer
            FROM board_versions v JOIN boards b ON b.id = v.board_id, jsonb_array_elements(v.content->'notes') n
            WHERE v.board_id = $1 AND b.user_id = $2 AND v.version = $3
            """, [boardID, userID, version])
    }

    /// Puts back the strokes a kept version had, in their order (call `clearStrokes` first).
    static func restoreStrokes(boardID: Int, userID: String, version: Int, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO board_strokes (board_id, seq, tool, colour, width, points)
            SELECT b.id, s.seq, s.stroke->>'tool', s.stroke->>'colour', s.stroke->>'width',
                   ARRAY(SELECT p.value::smallint FROM jsonb_array_elements_text(s.stroke->'points') WITH ORDINALITY AS p(value, i) ORDER BY p.i)
            FROM board_versions v JOIN boards b ON b.id = v.board_id,
                 jsonb_array_elements(v.content->'strokes') WITH ORDINALITY AS s(stroke, seq)
            WHERE v.board_id = $1 AND b.user_id = $2 AND v.version = $3
            """, [boardID, userID, version])
    }
}
