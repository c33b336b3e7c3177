import Domain
import Foundation
import Postgres
import Web

/// Voice notes (issue 15): a session's intent, an interruption or a break told by voice. Sent
/// from `partials/journal_voice_form` (a file input that opens the recorder on phones, or
/// `Public/js/journal_voice.js`'s MediaRecorder), checked (`VoiceNoteRules`, then ffprobe:
/// `AudioProbe`), stored (`VoiceNoteFiles`) and recorded as events, played back by nginx to the
/// owner alone. Everyone else gets the 404 of a missing note, admins included.
enum VoiceNoteHandlers {
    /// The body may hold the 5 MiB file and the form's other fields; nginx's location for
    /// /journal/audio lets the same 6 MiB through, so a file just over the cap gets our page.
    static let uploadPolicy = UploadPolicy(maxBodyBytes: VoiceNoteRules.maxBytes + (1 << 20), rule: { $0.voiceNotes })

    /// Where nginx's internal location for the files starts (nginx/pomopomo.conf).
    static let internalPrefix = "/_journal_audio/"

    /// POST /journal/audio (multipart: csrf, target, target_id, voice; optional back).
    static let upload: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let services = ctx.services
        guard let target = JournalNoteTarget(form: try ctx.field("target")) else {
            throw JournalRefusal.invalid("Say what the voice note is for: a session, an interruption or a break.")
        }
        let targetID = try ctx.field("target_id")
        guard JournalEvent.isID(targetID) else { throw JournalRefusal.notFound }
        guard Multipart.boundary(fromContentType: ctx.request.contentType) != nil, let file = try ctx.upload("voice") else {
            throw JournalRefusal.badAudio("Record a voice note or choose an audio file to send.")
        }
        // Whose entry it is, before any work on the file.
        let found = try services.database.withConnection { try VoiceNoteStore.lockTarget(target, id: targetID, userID: user.id, on: $0) }
        guard case .found = found else { throw JournalRefusal.notFound }

        let format = try VoiceNoteRules.check(file.body)
        let pending: VoiceNoteFiles.Pending
        do { pending = try VoiceNoteFiles.write(file.body, as: format, services: services) } catch {
            throw ClientError.unavailable(retryAfter: 60)
        }
        let audioID = JournalEvent.newID()
        let seconds: Int
        let replaced: String?
        do {
            let probe = try AudioProbe.probe(path: pending.temporaryPath, as: format, ffprobe: services.config.ffprobe)
            seconds = try VoiceNoteRules.seconds(probe.seconds)
            try VoiceNoteFiles.keep(pending)
            replaced = try services.database.transaction { conn in
                try record(
                    audioID, file: pending.name, format: format, bytes: file.body.count, seconds: seconds, target: target,
                    targetID: targetID, userID: user.id, at: ctx.now, on: conn)
            }
        } catch {
            VoiceNoteFiles.discard(pending)
            throw error
        }
        if let replaced { VoiceNoteFiles.remove([replaced], services: services) }

        let note = JournalNote(
            id: audioID, durationSeconds: String(seconds), status: TranscriptStatus.pending.rawValue, transcript: nil, source: nil)!
        if ctx.request.wantsJSON {
            var context = noteContext(note)
            context["csrf"] = .text(ctx.csrfToken)
            let back = try ctx.field("back")
            if !back.isEmpty { context["back"] = .text(back) }
            let html = String(decoding: services.templates.render("partials/journal_note", context), as: UTF8.self)
            return .response(.json(JSONBody.encode(Uploaded(id: audioID, url: note.url, seconds: seconds, html: html))))
        }
        return .response(.redirect(to: try back(ctx)))
    }

    /// The note's events and its transcription job, in the caller's transaction: the entity is
    /// locked and must still be the owner's; a note it already had is replaced (deleted).
    /// Returns the replaced note's file, to unlink after the commit.
    private static func record(
        _ audioID: String, file: String, format: AudioFormat, bytes: Int, seconds: Int, target: JournalNoteTarget,
        targetID: String, userID: String, at: Date, on conn: PostgresConnection
    ) throws -> String? {
        guard case .found(let current) = try VoiceNoteStore.lockTarget(target, id: targetID, userID: userID, on: conn) else {
            throw JournalRefusal.notFound
        }
        try JournalLog.append(
            .audioRecorded(audio: audioID, file: file, mime: format.mime, bytes: bytes, durationSeconds: seconds), userID: userID, at: at,
            on: conn)
        try JournalLog.append(.audioAttached(audio: audioID, target: target, targetID: targetID), userID: userID, at: at, on: conn)
        try TranscriptionQueue.enqueue(audioID: audioID, userID: userID, on: conn)
        guard let current, let oldFile = try VoiceNoteStore.lockFile(id: current, userID: userID, on: conn) else { return nil }
        try JournalLog.append(.audioDeleted(audio: current), userID: userID, at: at, on: conn)
        return oldFile
    }

    /// GET /journal/audio/{id}: nginx sends the file (`internalPrefix`), with Range, nosniff, a
    /// sandboxing CSP and the type the bytes were recognised as (nginx/pomopomo.conf).
    static let play: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = ctx.request.parameter("id")
        guard JournalEvent.isID(id),
            let note = try ctx.services.database.withConnection({ try VoiceNoteStore.file(id: id, userID: user.id, on: $0) }),
            VoiceNoteFiles.isStoredName(note.file)
        else { throw JournalRefusal.notFound }
        return .response(
            Response(
                status: .ok,
                headers: [("X-Accel-Redirect", internalPrefix + note.file), ("Content-Type", note.mime), ("Cache-Control", "private, no-store")]))
    }

    /// POST /journal/audio/{id}/delete: the event now, the file once it has committed.
    static let delete: Handler = { ctx in
        let user = try AccountFlow.signedInUser(ctx)
        let id = ctx.request.parameter("id")
        guard JournalEvent.isID(id) else { throw JournalRefusal.notFound }
        let file: String = try ctx.services.database.transaction { conn in
            guard let file = try VoiceNoteStore.lockFile(id: id, userID: user.id, on: conn) else { throw JournalRefusal.notFound }
            try JournalLog.append(.audioDeleted(audio: id), userID: user.id, at: ctx.now, on: conn)
            return file
        }
        VoiceNoteFiles.remove([file], services: ctx.services)
        if ctx.request.wantsJSON { return .response(.json(JSONBody.encode(Deleted(id: id)))) }
        return .response(.redirect(to: try back(ctx)))
    }

    /// Where the form came from (`back`: a path on this site, by the sign-in's rule), or the journal.
    private static func back(_ ctx: RequestContext) throws -> String {
        let asked = try ctx.field("back")
        return !asked.isEmpty && AccountFlow.safeNext(asked) == asked ? asked : "/journal"
    }

    static func noteContext(_ note: JournalNote) -> TemplateContext {
        var context: TemplateContext = [
            "id": .text(note.id), "url": .text(note.url), "seconds": .text(String(note.durationSeconds)),
            "transcribing": .bool(note.status == .pending), "failed": .bool(note.status == .failed),
        ]
        if let transcript = note.transcript { context["transcript"] = .text(transcript) }
        if note.source == .owner { context["edited"] = .bool(true) }
        return context
    }

    struct Uploaded: Encodable {
        let id: String
        let url: String
        let seconds: Int
        let html: String
    }

    struct Deleted: Encodable {
        let id: String
    }
}
