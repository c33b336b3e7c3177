import Domain
import Foundation
import Web

/// A voice note's transcript as its owner sees and edits it: the edit page, the save, and the
/// note's fragment that `Public/js/journal_note.js` fetches when the owner's live channel moves.
/// Someone else's note id answers exactly like a missing one (404) and changes nothing.
enum TranscriptHandlers {
    /// The note id in the path; anything but an id `JournalEvent.newID` could have made is a
    /// missing note, before any SQL.
    static func audioID(_ ctx: RequestContext) throws -> String {
        let id = ctx.request.parameter("id")
        guard JournalEvent.isID(id) else { throw JournalRefusal.notFound }
        return id
    }

    /// Where the form leads back to: a local path (`AccountFlow.safeNext`'s rules, without its
    /// fragment, which the note's anchor replaces); /journal when absent or unsafe.
    static func back(_ raw: String) -> String {
        let path = String(raw.prefix { $0 != "#" })
        guard !path.isEmpty, AccountFlow.safeNext(path) == path else { return "/journal" }
        return path
    }

    /// GET /journal/audio/:id/transcript
    static let editForm: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let note = try owned(ctx, userID: user.id)
        let typed = (try? ctx.request.query.value("back")) ?? nil
        return editPage(ctx, note, back: back(typed ?? ""))
    }

    /// POST /journal/audio/:id/transcript: the owner's words replace the transcript, now and for
    /// good (the engine never writes over them). Refused text (over 10,000 characters, empty,
    /// hidden characters) is a 422 showing what was typed, and nothing is stored.
    static let save: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let note = try owned(ctx, userID: user.id)
        let typed = try ctx.field("transcript")
        let backTo = back(try ctx.field("back"))
        let text: String
        do throws(JournalRefusal) {
            text = try TranscriptText.owner(typed)
        } catch {
            return editPage(ctx, note, back: backTo, typed: typed, error: error.message, status: .unprocessableEntity)
        }
        let wakes = try ctx.services.database.transaction { conn in
            try TranscriptStore.lockOwner(user.id, on: conn)
            guard try TranscriptStore.audio(note.id, userID: user.id, on: conn) != nil else { throw JournalRefusal.notFound }
            // The engine's words would not be shown over these: no need to make them.
            try TranscriptionQueue.drop(audioID: note.id, userID: user.id, on: conn)
            try JournalLog.append(.transcriptSet(audio: note.id, text: text, source: .owner), userID: user.id, at: ctx.now, on: conn)
            try TranscriptCategories.choose(from: text, audioID: note.id, userID: user.id, at: ctx.now, on: conn)
            return try UserChannel.bump([user.id], on: conn)
        }
        ctx.announceAfterCommit(wakes)
        return .response(.redirect(to: backTo + "#note-" + note.id))
    }

    /// What `GET /journal/audio/:id/note.json` answers: where the transcript stands and the
    /// note as `partials/journal_note` draws it.
    struct Fragment: Encodable {
        let status: String
        let html: String
    }

    /// GET /journal/audio/:id/note.json
    static let fragment: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let note = try owned(ctx, userID: user.id)
        let typed = (try? ctx.request.query.value("back")) ?? nil
        var context = note.templateContext(back: back(typed ?? ""))
        context["csrf"] = .text(ctx.csrfToken)
        context["asset_version"] = .text(ctx.services.assetVersion)
        let html = String(decoding: ctx.services.templates.render("partials/journal_note", context), as: UTF8.self)
        return .response(.json(JSONBody.encode(Fragment(status: note.status.rawValue, html: html))))
    }

    private static func owned(_ ctx: RequestContext, userID: String) throws -> JournalNote {
        let id = try audioID(ctx)
        guard let note = try ctx.services.database.withConnection({ try TranscriptStore.note(id, userID: userID, on: $0) }) else {
            throw JournalRefusal.notFound
        }
        return note
    }

    private static func editPage(
        _ ctx: RequestContext, _ note: JournalNote, back: String, typed: String? = nil, error: String? = nil, status: HTTPStatus = .ok
    ) -> Outcome {
        var context = note.templateContext(back: back)
        context["transcript_input"] = .text(typed ?? note.transcript ?? "")
        if let error { context["error"] = .text(error) }
        return Views.page("journal_transcript", title: "A voice note's transcript", context, ctx: ctx, status: status)
    }
}
