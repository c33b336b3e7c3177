import FastCGI
import Foundation
import Logging
import Web

#if canImport(Glibc)
import Glibc
#endif

/// `pomopomo serve`: opens the socket, starts the accept threads and the live hub, then waits
/// for SIGTERM or SIGINT on the main thread and shuts down in order.
public enum Server {
    public static func run(config: Config, logger: Logger) throws {
        // Signals are blocked before any thread starts so only sigwait below receives them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        let services = try Services(config: config, logger: logger)
        let responder = Responder(services: services)
        let server = try FastCGIServer(address: config.socket)
        services.hub.start()
        let jobs = RoomJobs(services: services, cleanInterval: TimeInterval(config.cleanIntervalSeconds))
        jobs.start()
        let personalTimers = PersonalTimerJobs(services: services)
        personalTimers.start()
        let mail = MailJobs(services: services)
        mail.start()
        let leaderboards = LeaderboardJobs(services: services)
        leaderboards.start()
        let social = SocialJobs(services: services)
        social.start()
        let resets = DailyResetJobs(services: services)
        resets.start()
        let transcription = TranscriptionJobs(services: services)
        transcription.start()
        let beats = ResponderBeatJobs(services: services)
        beats.start()
        server.start(threads: config.threads, parameters: Request.cgiParameters) { request, params in
            responder.handle(request, params: params)
        }
        if services.twoFactorKeys == nil {
            // Not fatal: everything else works, and admin pages say why they are shut.
            logger.error("POMOPOMO_TOTP_KEY is not set: admin two-factor cannot start, so every admin page is closed (see README)")
        }
        logger.info("serving", metadata: ["socket": "\(config.socket)", "threads": "\(config.threads)"])

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("shutting down", metadata: ["signal": "\(received)", "parked": "\(services.hub.parkedCount)"])
        jobs.stop()
        personalTimers.stop()
        mail.stop()
        leaderboards.stop()
        social.stop()
        resets.stop()
        transcription.stop()
        beats.stop()
        services.hub.releaseAll()
        server.stop(timeout: 10)
        if !responder.uploads.drain(timeout: 20) { logger.warning("uploads still in progress at exit") }
        if !config.socket.contains(":") { unlink(config.socket) }
        logger.info("stopped")
    }
}
