import Domain
import Foundation
import Postgres

/// When a transcript lands (the engine's or the owner's), its words may name what interrupted or
/// what the break was for (`SpokenCategory`): only where no chip did (an interruption still
/// `other`, a break with no activity or `other`), recorded as the same events a chip makes.
enum TranscriptCategories {
    /// Appends `interruptionCategorised` or `breakActivityChosen` for the note's entity when
    /// `text` names one; in the caller's transaction, which holds the owner's journal lock.
    static func choose(from text: String, audioID: String, userID: String, at: Date, on conn: PostgresConnection) throws {
        switch try TranscriptStore.attachment(audioID, userID: userID, on: conn) {
        case .interruption(let id, .other)?:
            if let category = SpokenCategory.interruption(text) {
                try JournalLog.append(.interruptionCategorised(interruption: id, category: category), userID: userID, at: at, on: conn)
            }
        case .breakActivity(let id, let activity)? where activity == nil || activity == .other:
            if let chosen = SpokenCategory.breakActivity(text) {
                try JournalLog.append(.breakActivityChosen(breakID: id, activity: chosen), userID: userID, at: at, on: conn)
            }
        default:
            return
        }
    }
}
