import Domain
import Foundation
import Postgres
import Web

/// `/timer`: one person's own timer (a guest's belongs to their browser session until they sign
/// up or in), its controls and its long-poll. Nobody else can reach it: every route finds the
/// timer from the session, never from an id in the request.
enum TimerHandlers {
    /// Whose timer this browser drives; nil for a first-time guest with no session yet.
    static func owner(_ ctx: RequestContext) throws -> PersonalTimerOwner? {
        if let user = try ctx.user { return .user(user.id) }
        return ctx.session.isNew ? nil : .guest(sessionHash: ctx.session.hash)
    }

    /// The owner's timer brought to `now`: read without a lock (from `PersonalTimerCache` when it
    /// may be trusted and is at least the version `?v=` names), and moved on (locked, version
    /// bumped, announced after the commit) only when something is due. nil when there is none.
    static func current(_ ctx: RequestContext, now: Date) throws -> PersonalTimer? {
        guard let owner = try owner(ctx) else { return nil }
        let found: PersonalTimer
        let cache = ctx.services.personalTimerCache
        if let hit = cache.lookup(owner, atLeast: try seenVersion(ctx)) {
            found = hit
        } else {
            let epoch = ctx.services.hub.cacheEpoch
            guard let loaded = try ctx.services.database.withConnection({ try PersonalTimerStore.find(owner, on: $0) }) else {
                return nil
            }
            cache.store(loaded, for: owner, epoch: epoch)
            found = loaded
        }
        guard PersonalTimerRun.isDue(found, now: now) else { return found }
        let (timer, credits, version) = try ctx.services.database.transaction { conn in
            var timer = try PersonalTimerStore.lock(owner, now: now, on: conn)
            var credits: [FocusCredit] = []
            var version: Int? = nil
            if try PersonalTimerRun.advance(&timer, now: now, credits: &credits, on: conn) {
                timer.version = try PersonalTimerStore.bump(timer.id, on: conn)
                version = timer.version
            }
            return (timer, credits, version)
        }
        afterCommit(ctx, timer: timer, version: version, credits: credits)
        return timer
    }

    /// `?v=N` on `/timer`: the version this browser's own change made (the redirect after a
    /// control names it), so a copy older than that is not shown. Anything but a small whole
    /// number reads as 0; a made-up future one only costs its sender a database read.
    static func seenVersion(_ ctx: RequestContext) throws -> Int {
        guard let text = try ctx.request.query.value("v"), text.count <= 15, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return 0 }
        return Int(text) ?? 0
    }

    static func afterCommit(_ ctx: RequestContext, timer: PersonalTimer, version: Int?, credits: [FocusCredit]) {
        if let version { ctx.announceAfterCommit([(timer.channel, version)]) }
        if !credits.isEmpty {
            ctx.services.leaderboards.record(credits)
            FocusCredit.announceNotices(credits, services: ctx.services)
        }
    }

    /// GET /timer
    static let page: Handler = { ctx in try timerPage(ctx) }

    /// The page, with `error` (a refused control's reason) at its top.
    static func timerPage(_ ctx: RequestContext, error: String? = nil, status: HTTPStatus = .ok) throws -> Outcome {
        let now = ctx.now
        let user = try ctx.user
        let signedIn = user != nil
        var context: TemplateContext
        let clock: TimerClock
        if let timer = try current(ctx, now: now) {
            clock = timer.clock
            context = PersonalTimerViews.context(
                clock: clock, settings: timer.settings, todayCount: timer.todayCount,
                manualOverride: timer.manualOverride != nil, version: timer.version, now: now, signedIn: signedIn)
            // Only a timer that exists has a channel to follow.
            context["poll"] = .text("/timer/poll")
        } else {
            let d = PersonalTimerViews.defaults(now: now)
            clock = d.clock
            context = PersonalTimerViews.context(
                clock: d.clock, settings: d.settings, todayCount: d.todayCount, version: d.version, now: now, signedIn: signedIn)
        }
        if let error { context["error"] = .text(error) }
        context.merge(breakQuote(ctx, clock))
        // The owner's journal beside the clock (the chips ride on Start and Pause); guests are told
        // that signing in keeps one.
        context.merge(try JournalViews.timerContext(ctx, user: user, clock: clock))
        return .response(
            Views.page(
                "timer", title: PersonalTimerViews.title(clock, now: now), context, for: ctx, services: ctx.services,
                status: status, refreshSeconds: PersonalTimerViews.refreshSeconds(clock, now: now)))
    }

    /// A signed-in owner's vault quote while a break is under way (when they want quotes). The
    /// page is drawn again whenever the timer moves (timer.js swaps it in), so a break that
    /// starts with the page open shows one too. A failing read leaves it out.
    static func breakQuote(_ ctx: RequestContext, _ clock: TimerClock) -> TemplateContext {
        guard clock.phase.isBreak, clock.status != .idle, let user = ctx.userForChrome,
            let q = try? VaultStore(database: ctx.services.database).draw(userID: user.id, respectingPreference: true).quote
        else { return [:] }
        return ["break_quote": .object(VaultViews.quote(q))]
    }

    /// What /me shows of the personal timer: where it is and today's count, linking to /timer.
    static func dashboardContext(_ ctx: RequestContext) throws -> TemplateContext {
        let now = ctx.now
        guard let timer = try current(ctx, now: now) else {
            return ["personal_timer": .object(["status_text": .text("Not started yet"), "today_count": .text("0")])]
        }
        let clock = timer.clock
        var section: TemplateContext = [
            "phase_text": .text(clock.phase.words), "status_text": .text(PersonalTimerViews.statusText(clock)),
            "cycle_text": .text(TimerCycle.words(clock, settings: timer.settings)), "today_count": .text(String(timer.todayCount)),
        ]
        if clock.status != .idle { section["clock"] = .text(RoomViews.clock(clock.remainingMs(at: now))) }
        return ["personal_timer": .object(section)]
    }

    /// POST /timer/start, /pause, /resume, /skip, /reset, /stop, /break (fields: version; kind
    /// for a break; for a signed-in person's journal, intent with Start and category with Pause).
    /// A refusal shows the page as it is now with the reason (409, 422), nothing changed.
    static func control(_ control: TimerControl) -> Handler {
        { ctx in
            let now = ctx.now
            do {
                let versionText = try ctx.field("version")
                guard !versionText.isEmpty, versionText.count <= 15, versionText.allSatisfy({ $0.isASCII && $0.isNumber }),
                    let seen = Int(versionText)
                else {
                    throw TimerRefusal.invalid("The form did not say which state of the timer it was for. Reload the page and try again.")
                }
                let breakPhase = control == .startBreak ? try TimerCycle.breakPhase(parsing: try ctx.field("kind")) : nil
                guard let owner = try owner(ctx) else { throw ClientError.forbidden("Open the timer page first.") }
                let journal = try JournalTimerChoice.read(ctx, for: control, signedIn: try ctx.user != nil)
                let (timer, credits) = try ctx.services.database.transaction { conn in
                    if case .guest = owner { try SessionStore.touch(ctx.session, on: conn) }
                    var timer = try PersonalTimerStore.lock(owner, now: now, on: conn)
                    let credits = try PersonalTimerRun.control(
                        control, breakPhase: breakPhase, seenVersion: seen, timer: &timer, now: now, journal: journal, on: conn)
                    return (timer, credits)
                }
                afterCommit(ctx, timer: timer, version: timer.version, credits: credits)
                return .response(.redirect(to: "/timer?v=\(timer.version)"))
            } catch let refusal as TimerRefusal {
                return try timerPage(ctx, error: refusal.message, status: ErrorMapping.status(refusal))
            } catch let refusal as JournalRefusal {
                return try timerPage(ctx, error: refusal.message, status: ErrorMapping.status(refusal))
            }
        }
    }

    /// GET /timer/poll?since=V: the timer's JSON (`PersonalTimerJSON`) once its version differs
    /// from V; parks until then. 404 while the browser has no timer (nothing to follow).
    static let poll: Handler = { ctx in
        let sinceText = try ctx.request.query.value("since") ?? ""
        guard !sinceText.isEmpty, sinceText.count <= 15, sinceText.allSatisfy({ $0.isASCII && $0.isNumber }), let since = Int(sinceText) else {
            throw ClientError.badRequest("since must be the last version you saw: a non-negative whole number.")
        }
        let now = ctx.now
        guard let timer = try current(ctx, now: now) else { throw ClientError.notFound("This browser has no timer yet.") }
        if timer.version != since {
            // A version this process was already woken with: wait for what comes next.
            if timer.version < since, let known = ctx.services.hub.latestVersion(of: timer.channel), known >= since {
                return .park(channel: timer.channel, since: since, variant: .everyone)
            }
            return .response(.json(JSONBody.encode(PersonalTimerJSON(timer, now: now))))
        }
        return .park(channel: timer.channel, since: since, variant: .everyone)
    }

    /// The live hub's view of `ptimer:<id>`.
    static func snapshot(services: Services) -> LiveHub.SnapshotSource {
        { channel in
            let id = String(channel.dropFirst(PersonalTimer.channel("").count))
            guard UUID(uuidString: id) != nil,
                let timer = try services.database.withConnection({ try PersonalTimerStore.find(id: id, on: $0) })
            else { return nil }
            return LiveSnapshot(version: timer.version) { _, _ in JSONBody.encode(PersonalTimerJSON(timer, now: Date())) }
        }
    }
}
