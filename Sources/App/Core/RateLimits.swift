import Web

/// The abuse limits a fresh cookie cannot dodge: each counts per client address (IPv6 by /64)
/// and, when the person is signed in, per account too. Numbers come from the environment
/// (README's configuration table) so an operator behind a big NAT can raise them.
public struct RateLimits: Sendable {
    /// One counted action: at most `limit` per `window` seconds.
    public struct Rule: Sendable {
        public let kind: String
        public let limit: Int
        public let window: Int
        /// What the person was doing, for the 429 page ("You have created many rooms …").
        public let doing: String
    }

    public var roomCreations = Rule(kind: "rooms", limit: 20, window: 3600, doing: "created many rooms")
    public var joins = Rule(kind: "joins", limit: 60, window: 600, doing: "joined many rooms")
    public var proposals = Rule(kind: "proposals", limit: 30, window: 600, doing: "sent many proposals")
    /// Chat messages, whichever rooms and seats: each seat has its own 30 a minute, and seats
    /// are free to take with fresh cookies.
    public var messages = Rule(kind: "messages", limit: 120, window: 60, doing: "sent many chat messages")
    /// Lookups of room codes that do not exist: codes must not be found by trying them all.
    public var unknownCodes = Rule(kind: "codes", limit: 30, window: 600, doing: "tried many room codes that do not exist")
    public var profileWrites = Rule(kind: "profile", limit: 30, window: 3600, doing: "changed your profile many times")
    public var avatarWrites = Rule(kind: "avatar", limit: 20, window: 3600, doing: "changed your picture many times")
    /// Reports of leaderboard entries: each lands in an admin's list.
    public var reports = Rule(kind: "reports", limit: 10, window: 3600, doing: "reported many leaderboard entries")
    /// Room invites sent (each friend invited counts one): each lands in someone's notices.
    public var invites = Rule(kind: "invites", limit: 30, window: 3600, doing: "sent many room invites")
    /// Friend requests, answers, unfriending and blocking, per address and account (the per-day
    /// and waiting limits of requests themselves are counted in PostgreSQL, `FriendLimits`).
    public var friendActions = Rule(kind: "friends", limit: 120, window: 600, doing: "changed many friendships")
    /// Reports of direct messages: each lands in an admin's list.
    public var messageReports = Rule(kind: "dm-reports", limit: 10, window: 3600, doing: "reported many messages")
    /// Reports of chat messages, room tasks, rooms and profiles (issue 17): each lands in the
    /// admins' queue.
    public var contentReports = Rule(kind: "content-reports", limit: 20, window: 3600, doing: "reported many things")
    /// Wrong or unknown API tokens from one address (15 minutes, `Throttle.window`): checked
    /// before any token is looked up, so tokens cannot be guessed at the database's pace.
    public var apiTokenFailures = Rule(kind: "api-token", limit: 20, window: 15 * 60, doing: "sent many wrong API tokens")
    /// Changes to a personal timer's configuration and count (API and forms): each count change
    /// is an audit row.
    public var timerWrites = Rule(kind: "timer-writes", limit: 300, window: 600, doing: "changed your timer many times")
    /// Voice notes sent (issue 15), counted before their body is read: each costs a disk write
    /// and an ffprobe run.
    public var voiceNotes = Rule(kind: "voice-notes", limit: 60, window: 3600, doing: "sent many voice notes")
    /// Steps and choices in the focus journal: each appends an event that is kept for good.
    public var journalWrites = Rule(kind: "journal-writes", limit: 600, window: 600, doing: "changed your journal many times")
    /// Library uploads by admins (issue 16), counted before their body is read: each may be
    /// 64 MiB and two ffprobe runs.
    public var libraryUploads = Rule(kind: "library-uploads", limit: 120, window: 3600, doing: "uploaded many tracks")
    /// Admins' two-factor codes and recovery codes (issue 17), right or wrong, counted before any
    /// is checked: a six-digit code must not be guessed at the server's pace.
    public var twoFactorCodes = Rule(kind: "2fa-codes", limit: 10, window: 15 * 60, doing: "entered many two-factor codes")
    /// Parked long-polls per client address in one responder (a whole office behind one NAT
    /// shares it); past it, that address's oldest poll is answered 429.
    public var pollsPerAddress = 64

    public init() {}

    static func fromEnvironment(_ int: (String, Int, ClosedRange<Int>) throws -> Int) throws -> RateLimits {
        var limits = RateLimits()
        func rule(_ key: String, _ rule: Rule) throws -> Rule {
            Rule(kind: rule.kind, limit: try int(key, rule.limit, 1...1_000_000), window: rule.window, doing: rule.doing)
        }
        limits.roomCreations = try rule("POMOPOMO_LIMIT_ROOMS", limits.roomCreations)
        limits.joins = try rule("POMOPOMO_LIMIT_JOINS", limits.joins)
        limits.proposals = try rule("POMOPOMO_LIMIT_PROPOSALS", limits.proposals)
        limits.messages = try rule("POMOPOMO_LIMIT_MESSAGES", limits.messages)
        limits.unknownCodes = try rule("POMOPOMO_LIMIT_UNKNOWN_CODES", limits.unknownCodes)
        limits.profileWrites = try rule("POMOPOMO_LIMIT_PROFILE_WRITES", limits.profileWrites)
        limits.avatarWrites = try rule("POMOPOMO_LIMIT_AVATAR_WRITES", limits.avatarWrites)
        limits.reports = try rule("POMOPOMO_LIMIT_REPORTS", limits.reports)
        limits.invites = try rule("POMOPOMO_LIMIT_INVITES", limits.invites)
        limits.friendActions = try rule("POMOPOMO_LIMIT_FRIEND_ACTIONS", limits.friendActions)
        limits.messageReports = try rule("POMOPOMO_LIMIT_MESSAGE_REPORTS", limits.messageReports)
        limits.contentReports = try rule("POMOPOMO_LIMIT_CONTENT_REPORTS", limits.contentReports)
        limits.apiTokenFailures = try rule("POMOPOMO_LIMIT_API_TOKEN_FAILURES", limits.apiTokenFailures)
        limits.timerWrites = try rule("POMOPOMO_LIMIT_TIMER_WRITES", limits.timerWrites)
        limits.voiceNotes = try rule("POMOPOMO_LIMIT_VOICE_NOTES", limits.voiceNotes)
        limits.journalWrites = try rule("POMOPOMO_LIMIT_JOURNAL_WRITES", limits.journalWrites)
        limits.libraryUploads = try rule("POMOPOMO_LIMIT_LIBRARY_UPLOADS", limits.libraryUploads)
        limits.twoFactorCodes = try rule("POMOPOMO_LIMIT_TWO_FACTOR_CODES", limits.twoFactorCodes)
        limits.pollsPerAddress = try int("POMOPOMO_POLLS_PER_ADDRESS", limits.pollsPerAddress, 1...1_000_000)
        return limits
    }
}

/// 429 with Retry-After and a page that says what was limited and for how long.
struct RateLimited: HTTPError {
    let doing: String
    let retryAfter: Int

    var status: HTTPStatus { .tooManyRequests }
    var publicMessage: String {
        let wait = retryAfter <= 90 ? "\(retryAfter) seconds" : "\((retryAfter + 59) / 60) minutes"
        return "You have \(doing) in a short time from this connection. Please wait \(wait) and try again."
    }
    var extraHeaders: [(String, String)] { [("Retry-After", String(retryAfter))] }
}

extension RequestContext {
    /// Counts one `rule` action for this client address and, when signed in, this account;
    /// throws `RateLimited` past the limit. Call it before any expensive work.
    func limit(_ rule: RateLimits.Rule) throws {
        let throttle = services.throttle
        var keys = [Throttle.addressKey(rule.kind, address: request.remoteAddress)]
        if let user = userForChrome { keys.append(Throttle.userKey(rule.kind, userID: user.id)) }
        let waits = keys.compactMap { throttle.hit($0, limit: rule.limit, window: rule.window) }
        if let wait = waits.max() { throw RateLimited(doing: rule.doing, retryAfter: wait) }
    }
}
