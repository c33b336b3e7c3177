import Domain
import Foundation
import Logging
import Postgres
import Redis
import Sodium
import Web

/// The shared, thread-safe parts every handler may use. One instance per process.
public final class Services: Sendable {
    public let config: Config
    public let database: PostgresPool
    /// nil when no Redis is configured; every use must also cope with it being down.
    public let redis: RedisPool?
    public let templates: TemplateLibrary
    public let csrf: CSRFProtector
    public let logger: Logger
    public let assetVersion: String
    public let hub: LiveHub
    /// Every route, in the order `RequestMetrics` counts them.
    let routes = Routes.table()
    /// Requests answered by this process (`/metrics`).
    let requestMetrics: RequestMetrics
    let roomCache: RoomCache
    let personalTimerCache: PersonalTimerCache
    /// Presence seen here, written to PostgreSQL in batches by the room jobs.
    let presence = PresenceBuffer()
    /// Signed-in people seen here, written to Redis once a second by `SocialJobs`.
    let online = OnlineBuffer()
    let friendsOnline = FriendsOnline()
    let passwords: PasswordPolicy
    let passwordWork: PasswordWork
    /// Verified against when an email has no account, so a wrong email costs the same time as a
    /// wrong password.
    let dummyHash: String
    let throttle: Throttle
    let codeGuesses = CodeGuesses()
    let userStatsCache = UserStatsCache()
    let journalInsightsCache = JournalInsightsCache()
    let seenVersions: SeenVersion
    let leaderboards: Leaderboards
    /// The music catalogue (a Piped instance); nil when POMOPOMO_PIPED_URL is unset.
    let catalogue: Catalogue?
    /// What admins' second factor is sealed and keyed with; nil without POMOPOMO_TOTP_KEY, and
    /// then admin pages answer that two-factor is not set up.
    let twoFactorKeys: TwoFactorKeys?

    public init(config: Config, logger: Logger) throws {
        self.config = config
        self.logger = logger
        database = PostgresPool(conninfo: config.databaseURL, size: config.databasePoolSize)
        redis = config.redis.map { RedisPool(locator: RedisLocator($0)) }
        templates = try TemplateLibrary(directory: config.templatesDirectory)
        for page in Views.requiredTemplates where !templates.has(page) {
            throw TemplateError(template: page, message: "missing from \(config.templatesDirectory)")
        }
        csrf = CSRFProtector(secret: config.secret)
        seenVersions = SeenVersion(secret: config.secret)
        assetVersion = Self.fingerprint(publicDirectory: config.publicDirectory)
        requestMetrics = RequestMetrics(routes: routes.routes.map { ($0.method, $0.pattern) })
        hub = LiveHub(
            redis: redis, redisLocator: redis?.locator, logger: logger, requestMetrics: requestMetrics,
            holdSeconds: config.pollHoldSeconds, pollsPerAddress: config.rateLimits.pollsPerAddress)
        roomCache = RoomCache(hub: hub)
        personalTimerCache = PersonalTimerCache(hub: hub)
        guard let list = FileManager.default.contents(atPath: config.commonPasswordsFile) else {
            throw Config.Problem(
                description:
                    "cannot read the common-password list \(config.commonPasswordsFile) (Debian package john-data, or set POMOPOMO_COMMON_PASSWORDS)")
        }
        passwords = PasswordPolicy(commonList: String(decoding: list, as: UTF8.self))
        passwordWork = PasswordWork(slots: config.hashSlots, queue: config.hashQueue, perSecond: config.hashesPerSecond)
        dummyHash = try passwordWork.hasher.hash(Base64URL.encode(Sodium.randomBytes(24)))
        throttle = Throttle(redis: redis)
        leaderboards = Leaderboards(redis: redis, database: database, logger: logger)
        let (pool, cachePool) = (database, redis)
        catalogue = config.catalogue.map {
            Catalogue(settings: $0, redis: cachePool, database: pool, logger: logger, threads: config.threads)
        }
        twoFactorKeys = config.totpKey.map(TwoFactorKeys.init(master:))
        try FileManager.default.createDirectory(atPath: config.uploadsDirectory, withIntermediateDirectories: true)
    }

    /// A short hash of the static files, appended to their URLs so browsers refetch after a deploy.
    static func fingerprint(publicDirectory: String) -> String {
        var bytes: [UInt8] = []
        for file in ["css/app.css", "js/live.js"] {
            if let data = FileManager.default.contents(atPath: publicDirectory + "/" + file) { bytes += data }
        }
        return String(Base64URL.encode(Sodium.sha256(bytes)).prefix(10))
    }
}
