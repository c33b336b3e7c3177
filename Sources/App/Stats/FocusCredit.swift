import Domain
import Foundation

/// One row the crediting transaction wrote to the ledger, handed to what follows it:
/// achievements (in the same transaction) and the leaderboards (after the commit).
struct FocusCredit: Sendable {
    enum Source: String, Sendable {
        case room
        case timer
    }

    /// nil for a guest, whose rows carry `sessionHash` until they sign up or in.
    let userID: String?
    let sessionHash: [UInt8]?
    let source: Source
    let roomID: String?
    let start: Date
    let end: Date
    let seconds: Int
    let day: LocalDate
    let zone: String
    let completed: Bool
    let peoplePresent: Int
    let hosted: Bool
    /// Set on one credit of each person whose live channel this batch moved (an achievement
    /// notice): the version to announce on `user:<id>` once the transaction has committed.
    var liveVersion: Int? = nil

    /// Wakes the live channels of people this batch gave a notice (see `liveVersion`).
    static func announceNotices(_ credits: [FocusCredit], services: Services) {
        UserChannel.announce(
            credits.compactMap { credit in credit.liveVersion.flatMap { v in credit.userID.map { (UserChannel.name($0), v) } } },
            services: services)
    }
}
