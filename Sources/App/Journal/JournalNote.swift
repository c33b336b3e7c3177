import Domain
import Foundation
import Web

/// A voice note as its owner's pages show it: the player, its length, and the transcript or
/// "transcribing…". Pages read the note's columns with their entity (`columns`, joined on the
/// entity's audio id as `a`) and render `partials/journal_note` with `context`.
struct JournalNote: Sendable, Equatable {
    let id: String
    let durationSeconds: Int
    let status: TranscriptStatus
    let transcript: String?
    let source: TranscriptSource?

    /// For `LEFT JOIN audio_assets a ON a.id = <entity>.audio_id`: all null when there is no note.
    static let columns = "a.id, a.duration_seconds, a.transcript_status, a.transcript, a.transcript_source"

    /// From the five `columns` values; nil when the entity has no note.
    init?(id: String?, durationSeconds: String?, status: String?, transcript: String?, source: String?) {
        guard let id, !id.isEmpty else { return nil }
        self.id = id
        self.durationSeconds = durationSeconds.flatMap { Int($0) } ?? 0
        self.status = TranscriptStatus(stored: status ?? "")
        self.transcript = transcript
        self.source = source.map(TranscriptSource.init(stored:))
    }

    /// Where the owner's browser fetches the audio (`/journal/audio/{id}`, owner only).
    var url: String { "/journal/audio/\(id)" }

    /// For `partials/journal_note`: the player, the transcript or where it stands, and the edit
    /// form, which leads back to `back` (a local path: the page showing the note) once saved. Every
    /// key is always set, so a section never finds a key of the page around the note instead.
    func templateContext(back: String = "/journal") -> TemplateContext {
        var c = TemplateContext()
        for (key, value) in values(back: back) {
            switch value {
            case let flag as Bool: c[key] = .bool(flag)
            default: c[key] = .text("\(value)")
            }
        }
        return c
    }

    /// `templateContext()`'s values as plain text and flags, leading back to the journal.
    var context: [String: Any] { values(back: "/journal") }

    private func values(back: String) -> [String: Any] {
        [
            "id": id, "url": url, "seconds": String(durationSeconds),
            "transcribing": status == .pending, "failed": status == .failed,
            "transcript": transcript ?? "", "edited": source == .owner, "back": back,
        ]
    }
}
