import Domain
import Web

/// The board pages' contexts: the board with its SVG, forms and notes; its history; the
/// refusal page for a stale version.
enum BoardViews {
    static let templates = ["me_board", "me_board_history", "me_board_conflict"]

    /// A refused form, shown again: which form (`add`, `note-ID`, `new-board`, `rename`,
    /// `stroke`, `clear`, `delete`), the message, and what was typed.
    struct Refused {
        let form: String
        let message: String
        let fields: [String: String]
    }

    static func page(_ shown: BoardStore.Shown, boards: [BoardStore.Head], refused: Refused?) -> TemplateContext {
        let head = shown.head
        let keep = { (form: String, name: String, value: String) -> String in
            refused?.form == form ? refused?.fields[name] ?? "" : value
        }
        let notes: [TemplateContext] = shown.content.notes.map { note in
            let form = "note-\(note.id)"
            var item: TemplateContext = [
                "id": .text(String(note.id)), "text": .text(keep(form, "text", note.text)),
                "colour_name": .text(note.colour.label), "x": .text(keep(form, "x", String(note.x))), "y": .text(keep(form, "y", String(note.y))),
                "colours": colourOptions(keep(form, "colour", note.colour.rawValue)),
            ]
            if refused?.form == form { item["note_error"] = .text(refused?.message ?? "") }
            return item
        }
        var context: TemplateContext = [
            "board_id": .text(String(head.id)), "board_name": .text(head.name), "version": .text(String(head.version)),
            "board_svg": .html(SafeHTML(trusted: BoardSVG.render(shown.content, name: head.name, for: .page))),
            "boards": .list(
                boards.map {
                    ["id": .text(String($0.id)), "name": .text($0.name), "current": .bool($0.id == head.id)]
                }),
            "can_add_board": .bool(boards.count < BoardLimits.boards), "max_boards": .text(String(BoardLimits.boards)),
            "notes": .list(notes), "has_notes": .bool(!notes.isEmpty),
            "note_count": .text(String(head.tally.notes)), "stroke_count": .text(String(head.tally.strokes)),
            "max_notes": .text(String(BoardLimits.notes)), "max_strokes": .text(String(BoardLimits.strokes)),
            "used_kb": .text(String(format1(Double(head.tally.bytes) / 1000))), "max_kb": .text(String(BoardLimits.bytes / 1000)),
            "max_x": .text(String(BoardGeometry.maxNoteX)), "max_y": .text(String(BoardGeometry.maxNoteY)),
            "grid_step": .text(String(BoardGeometry.gridStep)), "note_max": .text(String(NoteText.maxLength)),
            "name_max": .text(String(BoardName.maxLength)),
            "add_text": .text(keep("add", "text", "")), "add_x": .text(keep("add", "x", "")), "add_y": .text(keep("add", "y", "")),
            "add_colours": colourOptions(keep("add", "colour", NoteColour.yellow.rawValue)),
            "new_name": .text(keep("new-board", "name", "")), "rename_name": .text(keep("rename", "name", head.name)),
            "tools": options(StrokeTool.allCases.map { ($0.rawValue, $0 == .pen ? "Pen" : "Eraser") }, selected: keep("stroke", "tool", "pen")),
            "inks": options(InkColour.allCases.map { ($0.rawValue, $0.label) }, selected: keep("stroke", "colour", "ink")),
            "widths": options(StrokeWidth.allCases.map { ($0.rawValue, $0.rawValue.capitalized) }, selected: keep("stroke", "width", "medium")),
            "board_width": .text(String(BoardGeometry.width)), "board_height": .text(String(BoardGeometry.height)),
            "note_width": .text(String(BoardGeometry.noteWidth)), "note_height": .text(String(BoardGeometry.noteHeight)),
        ]
        if let refused {
            context["error"] = .text(refused.message)
            context["error_" + refused.form.replacingOccurrences(of: "-", with: "_")] = .text(refused.message)
        }
        return context
    }

    static func history(_ head: BoardStore.Head, _ versions: [BoardStore.Kept], timezone: String) -> TemplateContext {
        [
            "board_id": .text(String(head.id)), "board_name": .text(head.name), "version": .text(String(head.version)),
            "versions_kept": .text(String(BoardLimits.versionsKept)),
            "versions": .list(
                versions.map { kept in
                    [
                        "number": .text(String(kept.version)), "current": .bool(kept.version == head.version),
                        "words": .text(kept.change.words(restoredFrom: kept.restoredFrom)),
                        "when": .text(AccountFlow.format(kept.createdAt, timezone: timezone)),
                        "notes": .text(counted(kept.notes, "note")), "strokes": .text(counted(kept.strokes, "stroke")),
                        "thumbnail": .html(SafeHTML(trusted: BoardSVG.thumbnail(kept.content, name: "Version \(kept.version)", width: 180))),
                    ]
                }),
        ]
    }

    /// The 409 page: what happened, a link to reload, and what was typed (so nothing is lost).
    static func conflict(boardID: Int, message: String, fields: [(String, String)]) -> TemplateContext {
        let kept = fields.filter { !["csrf", "version", "points"].contains($0.0) && !$0.1.isEmpty }
        return [
            "board_id": .text(String(boardID)), "message": .text(message),
            "has_kept": .bool(!kept.isEmpty),
            "kept": .list(kept.map { ["name": .text($0.0), "value": .text($0.1)] }),
        ]
    }

    static func colourOptions(_ selected: String) -> TemplateValue {
        options(NoteColour.allCases.map { ($0.rawValue, $0.label) }, selected: selected)
    }

    static func options(_ values: [(String, String)], selected: String) -> TemplateValue {
        .list(values.map { ["value": .text($0.0), "label": .text($0.1), "selected": .bool($0.0 == selected)] })
    }

    static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
