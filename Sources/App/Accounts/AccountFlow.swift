import Domain
import Foundation
import Postgres
import Web

/// Steps the sign-in paths share.
enum AccountFlow {
    /// Signs this browser in as `userID` inside `conn`'s transaction; the responder sends the new
    /// cookie. Called by every way in: password, mail links, OAuth; a suspended or banned account
    /// is refused here, for all of them, saying for how long.
    static func signIn(_ ctx: RequestContext, userID: String, on conn: PostgresConnection) throws {
        let now = Date().timeIntervalSince1970
        if let refusal = try UserStore.standing(userID, on: conn, now: now).signInRefusal(now: now) {
            throw ModerationRefusal.signInRefused(refusal)
        }
        let (fresh, moved, adoptedCredit) = try AccountSessions(database: ctx.services.database)
            .signIn(userID, replacing: ctx.session, userAgent: ctx.request.userAgent, on: conn)
        ctx.signedIn(as: fresh)
        ctx.announceAfterCommit(moved)
        if adoptedCredit { ctx.refreshRankingsAfterCommit(userID) }
    }

    /// The account's address was just proven (see UserStore.prove).
    static func prove(_ ctx: RequestContext, _ userID: String, on conn: PostgresConnection) throws {
        ctx.announceAfterCommit(try UserStore(database: ctx.services.database).prove(userID, on: conn))
    }

    /// Deletes the account, first ending its sessions and their say over room seats (the
    /// seats stay in their rooms, detached). Returns what was deleted, for the files to remove
    /// once it has committed: the avatar and the journal's voice notes.
    static func delete(_ ctx: RequestContext, _ userID: String, on conn: PostgresConnection) throws -> Deleted {
        ctx.announceAfterCommit(try AccountSessions.endOthers(userID: userID, keep: nil, on: conn))
        let voiceNotes = try VoiceNoteStore.files(userID: userID, on: conn)
        return Deleted(account: try UserStore(database: ctx.services.database).delete(userID, on: conn), voiceNotes: voiceNotes)
    }

    struct Deleted {
        let account: Account?
        let voiceNotes: [String]

        /// Removes the account's files (after the commit).
        func removeFiles(services: Services) {
            if let file = account?.avatarFile { Avatars.remove(file, services: services) }
            VoiceNoteFiles.remove(voiceNotes, services: services)
        }
    }

    /// Where to go after signing in: a local path only. Anything that a browser could read as
    /// another host (`//evil`, `/\\evil`, schemes, encoded slashes, controls) becomes /me.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), raw.utf8.count <= 512 else { return "/me" }
        let bytes = Array(raw.utf8)
        if bytes.count > 1 && (bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\")) { return "/me" }
        if bytes.contains(where: { $0 < 0x21 || $0 >= 0x7F || $0 == UInt8(ascii: "\\") }) { return "/me" }
        if raw.lowercased().contains("%2f") || raw.lowercased().contains("%5c") { return "/me" }
        return raw
    }

    /// "Check your email": the same page whatever happened, so it tells nobody whether an
    /// address has an account.
    static func checkEmail(_ ctx: RequestContext, _ what: String) -> Outcome {
        Views.page("check_email", title: "Check your email", ["what": .text(what)], ctx: ctx)
    }

    /// The password problem, or nil.
    static func passwordProblem(_ ctx: RequestContext, _ password: String) -> String? {
        do {
            try ctx.services.passwords.check(password)
            return nil
        } catch { return error.description }
    }

    /// Refuses (429) when `key` has used up `limit`, else counts this attempt against it. Done
    /// before any expensive work, so a refused request costs a flood nothing but a Redis call.
    static func spend(_ ctx: RequestContext, _ key: String, limit: Int) throws {
        let throttle = ctx.services.throttle
        if let wait = throttle.blocked(key, limit: limit) { throw ClientError.tooManyRequests(retryAfter: wait) }
        throttle.count(key)
    }

    /// The signed-in user of a `user` route (the gate let only them in; this keeps handlers honest).
    static func signedInUser(_ ctx: RequestContext) throws -> CurrentUser {
        guard let user = try ctx.user else { throw ClientError.forbidden("Please sign in first.") }
        return user
    }

    /// The signed-in user's whole account.
    static func signedInAccount(_ ctx: RequestContext) throws -> Account {
        guard let account = try UserStore(database: ctx.services.database).find(id: try signedInUser(ctx).id) else {
            throw ClientError.forbidden("Please sign in first.")
        }
        return account
    }

    /// Checks a signed-in person's current password before a sensitive change. Wrong guesses
    /// count as sign-in's do (`PasswordGuesses`).
    static func confirmPassword(_ ctx: RequestContext, _ account: Account, hash: String, given: String) throws -> Bool {
        let guesses = PasswordGuesses(ctx, email: account.email)
        try guesses.refuseIfBlocked()
        if try ctx.services.passwordWork.verify(String(given.prefix(PasswordPolicy.lengthRange.upperBound * 4)), against: hash) { return true }
        guesses.wrong()
        return false
    }

    /// Times in the user's zone, e.g. "23 Nov 2026, 17:05 (Europe/Paris)".
    static func format(_ epoch: Double, timezone: String?) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.timeZone = timezone.flatMap { TimeZone(identifier: $0) } ?? TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: epoch)) + " (\(formatter.timeZone.identifier))"
    }

    /// Every field but passwords and the token, to put back into a refused form.
    static func kept(_ ctx: RequestContext, _ names: [String]) -> TemplateContext {
        var context = TemplateContext()
        for name in names { context[name + "_input"] = .text((try? ctx.field(name)) ?? "") }
        return context
    }
}
