import Foundation

/// One fact in someone's journal, as appended to `journal_events` (the truth; seed 004's
/// "append-only events"). Ids are lower-case UUID strings made by whoever appends the event, so
/// replaying the events gives back the same rows. The day a session belongs to is worked out
/// once, when it starts (the personal timer's `DayBoundary`), and travels in the event: a later
/// change of zone or reset time never moves old sessions.
public enum JournalEvent: Sendable, Equatable {
    case sessionStarted(session: String, intent: IntentCategory, day: LocalDate, place: JournalPlace, roomCode: String?)
    /// A pause: `interruption` is the new InterruptionEvent's id.
    case sessionPaused(session: String, interruption: String, category: InterruptionCategory)
    case sessionResumed(session: String)
    /// Completed: `breakID` is the new BreakSession's id, which starts now.
    case sessionCompleted(session: String, breakID: String)
    /// Ended early (the seed's `abandoned`).
    case sessionEnded(session: String)
    /// The intent chosen again after the start (by a chip, or from a voice note's words).
    case intentChosen(session: String, intent: IntentCategory)
    case interruptionCategorised(interruption: String, category: InterruptionCategory)
    case breakActivityChosen(breakID: String, activity: BreakActivity)
    case breakEnded(breakID: String)
    /// A voice note's file was stored: `file` is its name in the journal upload directory.
    case audioRecorded(audio: String, file: String, mime: String, bytes: Int, durationSeconds: Int)
    case audioAttached(audio: String, target: JournalNoteTarget, targetID: String)
    /// The owner deleted the note (its file goes with it).
    case audioDeleted(audio: String)
    case transcriptSet(audio: String, text: String, source: TranscriptSource)
    case transcriptFailed(audio: String, reason: String)

    public var kind: JournalEventKind {
        switch self {
        case .sessionStarted: return .sessionStarted
        case .sessionPaused: return .sessionPaused
        case .sessionResumed: return .sessionResumed
        case .sessionCompleted: return .sessionCompleted
        case .sessionEnded: return .sessionEnded
        case .intentChosen: return .intentChosen
        case .interruptionCategorised: return .interruptionCategorised
        case .breakActivityChosen: return .breakActivityChosen
        case .breakEnded: return .breakEnded
        case .audioRecorded: return .audioRecorded
        case .audioAttached: return .audioAttached
        case .audioDeleted: return .audioDeleted
        case .transcriptSet: return .transcriptSet
        case .transcriptFailed: return .transcriptFailed
        }
    }

    /// The payload as stored: a flat JSON object of strings and integers.
    public var fields: [String: Any] {
        switch self {
        case .sessionStarted(let session, let intent, let day, let place, let roomCode):
            var f: [String: Any] = ["session": session, "intent": intent.rawValue, "day": day.description, "place": place.rawValue]
            if let roomCode { f["room"] = roomCode }
            return f
        case .sessionPaused(let session, let interruption, let category):
            return ["session": session, "interruption": interruption, "category": category.rawValue]
        case .sessionResumed(let session), .sessionEnded(let session):
            return ["session": session]
        case .sessionCompleted(let session, let breakID):
            return ["session": session, "break": breakID]
        case .intentChosen(let session, let intent):
            return ["session": session, "intent": intent.rawValue]
        case .interruptionCategorised(let interruption, let category):
            return ["interruption": interruption, "category": category.rawValue]
        case .breakActivityChosen(let breakID, let activity):
            return ["break": breakID, "activity": activity.rawValue]
        case .breakEnded(let breakID):
            return ["break": breakID]
        case .audioRecorded(let audio, let file, let mime, let bytes, let duration):
            return ["audio": audio, "file": file, "mime": mime, "bytes": bytes, "duration_seconds": duration]
        case .audioAttached(let audio, let target, let targetID):
            return ["audio": audio, "target": target.rawValue, "target_id": targetID]
        case .audioDeleted(let audio):
            return ["audio": audio]
        case .transcriptSet(let audio, let text, let source):
            return ["audio": audio, "text": text, "source": source.rawValue]
        case .transcriptFailed(let audio, let reason):
            return ["audio": audio, "reason": reason]
        }
    }

    /// `fields` as JSON text, keys sorted, for `journal_events.payload`.
    public var payloadJSON: String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a stored event back; nil when the kind or a field is unknown or malformed (a replay
    /// stops there rather than guess).
    public init?(kind: String, payloadJSON: String) {
        guard let kind = JournalEventKind(rawValue: kind),
            let object = try? JSONSerialization.jsonObject(with: Data(payloadJSON.utf8)) as? [String: Any]
        else { return nil }
        func id(_ key: String) -> String? {
            guard let s = object[key] as? String, JournalEvent.isID(s) else { return nil }
            return s
        }
        func text(_ key: String) -> String? { object[key] as? String }
        func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
        switch kind {
        case .sessionStarted:
            guard let s = id("session"), let i = text("intent").flatMap(IntentCategory.init(rawValue:)),
                let d = text("day").flatMap(LocalDate.init(iso:)), let p = text("place").flatMap(JournalPlace.init(rawValue:))
            else { return nil }
            self = .sessionStarted(session: s, intent: i, day: d, place: p, roomCode: text("room"))
        case .sessionPaused:
            guard let s = id("session"), let i = id("interruption"),
                let c = text("category").flatMap(InterruptionCategory.init(rawValue:))
            else { return nil }
            self = .sessionPaused(session: s, interruption: i, category: c)
        case .sessionResumed:
            guard let s = id("session") else { return nil }
            self = .sessionResumed(session: s)
        case .sessionEnded:
            guard let s = id("session") else { return nil }
            self = .sessionEnded(session: s)
        case .sessionCompleted:
            guard let s = id("session"), let b = id("break") else { return nil }
            self = .sessionCompleted(session: s, breakID: b)
        case .intentChosen:
            guard let s = id("session"), let i = text("intent").flatMap(IntentCategory.init(rawValue:)) else { return nil }
            self = .intentChosen(session: s, intent: i)
        case .interruptionCategorised:
            guard let i = id("interruption"), let c = text("category").flatMap(InterruptionCategory.init(rawValue:)) else { return nil }
            self = .interruptionCategorised(interruption: i, category: c)
        case .breakActivityChosen:
            guard let b = id("break"), let a = text("activity").flatMap(BreakActivity.init(rawValue:)) else { return nil }
            self = .breakActivityChosen(breakID: b, activity: a)
        case .breakEnded:
            guard let b = id("break") else { return nil }
            self = .breakEnded(breakID: b)
        case .audioRecorded:
            guard let a = id("audio"), let f = text("file"), let m = text("mime"), let b = int("bytes"),
                let d = int("duration_seconds")
            else { return nil }
            self = .audioRecorded(audio: a, file: f, mime: m, bytes: b, durationSeconds: d)
        case .audioAttached:
            guard let a = id("audio"), let t = text("target").flatMap(JournalNoteTarget.init(rawValue:)), let i = id("target_id")
            else { return nil }
            self = .audioAttached(audio: a, target: t, targetID: i)
        case .audioDeleted:
            guard let a = id("audio") else { return nil }
            self = .audioDeleted(audio: a)
        case .transcriptSet:
            guard let a = id("audio"), let t = text("text"), let s = text("source").flatMap(TranscriptSource.init(rawValue:))
            else { return nil }
            self = .transcriptSet(audio: a, text: t, source: s)
        case .transcriptFailed:
            guard let a = id("audio"), let r = text("reason") else { return nil }
            self = .transcriptFailed(audio: a, reason: r)
        }
    }

    /// A new id for a session, interruption, break or note.
    public static func newID() -> String { UUID().uuidString.lowercased() }

    /// A lower-case UUID as `newID` makes them: what a form's id must look like before it
    /// reaches SQL (anything else is "no such entry", never a database error).
    public static func isID(_ s: String) -> Bool {
        guard s.utf8.count == 36, let uuid = UUID(uuidString: s) else { return false }
        return uuid.uuidString.lowercased() == s
    }
}
