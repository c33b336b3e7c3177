#if DEBUG
import Domain
import Foundation
import Web

/// `GET /_test/journal/voice?target=…&id=…`, compiled into debug builds only (what `make test`
/// runs): one journal entry's voice note, or the form to add one, alone on a page. The browser
/// test of the recorder (Tests/browser/test_browser_journal_voice.py) uses it, so it tests the
/// form, the script, the upload and the player whatever page the journal's flow puts them on.
/// Release builds have neither the route nor this handler.
enum VoiceNoteTestHandlers {
    static func page(_ ctx: RequestContext) throws -> Outcome {
        let user = try AccountFlow.signedInUser(ctx)
        let id = try ctx.request.query.value("id") ?? ""
        guard let target = JournalNoteTarget(form: try ctx.request.query.value("target") ?? ""), JournalEvent.isID(id) else {
            throw JournalRefusal.notFound
        }
        let back = "/_test/journal/voice?target=\(target.rawValue)&id=\(id)"
        let note: JournalNote? = try ctx.services.database.withConnection { conn in
            guard case .found(let current) = try VoiceNoteStore.lockTarget(target, id: id, userID: user.id, on: conn) else {
                throw JournalRefusal.notFound
            }
            return try current.flatMap { try VoiceNoteStore.note(id: $0, userID: user.id, on: conn) }
        }
        var context: TemplateContext = [:]
        if let note {
            var shown = VoiceNoteHandlers.noteContext(note)
            shown["back"] = .text(back)
            context["note"] = .object(shown)
        } else {
            context["voice"] = .object(["target": .text(target.rawValue), "target_id": .text(id), "back": .text(back)])
        }
        return Views.page("test_journal_voice", title: "Voice note", context, ctx: ctx)
    }
}
#endif
