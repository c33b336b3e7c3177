import FastCGI
import Foundation
import Logging
import Postgres
import Sodium
import Web

/// Request ids: a random prefix per process and a counter, unique across responders without a
/// system call per request.
enum RequestIDs {
    private static let prefix = Base64URL.encode(Sodium.randomBytes(3))
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0

    static func next() -> String {
        lock.lock()
        counter += 1
        let n = counter
        lock.unlock()
        return prefix + "-" + String(n, radix: 36)
    }
}

/// Turns one FastCGI request into one response (or a parked poll). This is the only place
/// where errors become pages, so every failure looks the same to users and to the log.
public final class Responder: Sendable {
    let services: Services
    let router: Router<Endpoint>
    let uploads: UploadLane

    public init(services: Services) {
        self.services = services
        router = services.routes
        uploads = UploadLane(workers: services.config.uploadWorkers, queue: services.config.uploadQueue)
        services.hub.register(
            prefix: "room", source: RoomHandlers.snapshot(services: services),
            versions: { ids in try RoomStore(database: services.database).versions(ids) })
        services.hub.register(
            prefix: UserChannel.prefix, source: UserChannelFeed.snapshot(services: services),
            versions: { ids in try UserChannelStore(database: services.database).versions(ids) },
            batch: UserChannelFeed.snapshots(services: services))
        services.hub.register(
            prefix: "ptimer", source: TimerHandlers.snapshot(services: services),
            versions: { ids in try services.database.withConnection { try PersonalTimerStore.versions(ids, on: $0) } })
    }

    public func handle(_ fcgi: FastCGIRequest, params: [String: String]) {
        let requestID = RequestIDs.next()
        let started = DispatchTime.now()
        var ctx: RequestContext? = nil
        var response: Response
        // The matched route's place in the table, for the request counters (nil: no route).
        var route: Int? = nil
        do {
            // The route first, then the body: an upload's route has its own body limit, and its
            // access, origin and rate limit are checked before its body is read.
            var request = try Request(cgi: params, body: [], requestID: requestID)
            let endpoint: Endpoint
            switch router.match(method: request.method, path: request.path) {
            case .notFound:
                throw ClientError.notFound("There is nothing at this address.")
            case .methodNotAllowed(let allowed):
                // An admin (or /metrics) address answers a wrong method like a missing page to anyone else.
                if let hidden = router.routes(matching: request.path).first(where: { $0.handler.access.hidesItself })?.handler.access {
                    let probe = RequestContext(
                        services: services, request: request,
                        session: SessionID.from(cookie: request.cookies[SessionID.cookieName(secure: services.config.secureCookies)]))
                    ctx = probe
                    // The second factor's own pages are admin pages to everyone else.
                    _ = try Self.refusal(hidden == .adminSecondFactor ? .admin : hidden, probe)
                }
                throw ClientError.methodNotAllowed(allowed: allowed)
            case .found(let found, let parameters):
                request.pathParameters = parameters
                endpoint = found.handler
                route = found.index
            }
            if let upload = endpoint.upload { fcgi.allowBody(upTo: upload.maxBodyBytes) }
            let session = SessionID.from(cookie: request.cookies[SessionID.cookieName(secure: services.config.secureCookies)])
            let context = RequestContext(services: services, request: request, session: session)
            context.access = endpoint.access
            ctx = context
            if let upload = endpoint.upload {
                if let refusal = try Self.refusal(endpoint.access, context) {
                    response = refusal
                } else {
                    try checkOrigin(context)
                    try context.limit(upload.rule(services.config.rateLimits))
                    // From here the upload thread owns the context and the request; this thread
                    // goes back to accepting.
                    let handoff = Handoff(context: context)
                    let accepted = uploads.submit { [self, route] in
                        self.upload(fcgi, handoff.context, endpoint, limit: upload.maxBodyBytes, params: params, route: route, started: started)
                    }
                    guard accepted else { throw UploadLane.Busy() }
                    return
                }
            } else {
                // Read before the gate, so an outage page there can still show the typed text back.
                context.attach(body: try fcgi.readBody(limit: services.config.maxBodyBytes))
                if let refusal = try Self.refusal(endpoint.access, context) {
                    response = refusal
                } else {
                    guard let handled = try dispatch(context, endpoint, fcgi, route: route, started: started) else { return }
                    response = handled
                }
            }
        } catch {
            response = Self.errorResponse(error, ctx: ctx, services: services, requestID: requestID, path: params["REQUEST_URI"] ?? "")
        }
        finish(fcgi, ctx, response, requestID: requestID, params: params, route: route, started: started)
    }

    /// The context crossing from the accept thread to an upload thread, which alone uses it after.
    private struct Handoff: @unchecked Sendable {
        let context: RequestContext
    }

    /// An upload, on an upload thread: the body, then the same path as every other request.
    private func upload(
        _ fcgi: FastCGIRequest, _ context: RequestContext, _ endpoint: Endpoint, limit: Int, params: [String: String], route: Int?,
        started: DispatchTime
    ) {
        var response: Response
        do {
            context.attach(body: try fcgi.readBody(limit: limit))
            guard let handled = try dispatch(context, endpoint, fcgi, route: route, started: started) else { return }
            response = handled
        } catch {
            response = Self.errorResponse(
                error, ctx: context, services: services, requestID: context.request.requestID, path: params["REQUEST_URI"] ?? "")
        }
        finish(fcgi, context, response, requestID: context.request.requestID, params: params, route: route, started: started)
    }

    /// CSRF, room roles and the handler, once the body is in; nil when the handler parked the
    /// request (a long-poll: the hub answers it, and counts it under `route` when it does).
    private func dispatch(
        _ context: RequestContext, _ endpoint: Endpoint, _ fcgi: FastCGIRequest, route: Int?, started: DispatchTime
    ) throws -> Response? {
        let request = context.request
        // The API proves its writes with a header or a token instead (`APIAuth`).
        if request.method != "GET" && request.method != "HEAD" && endpoint.access != .api { try checkCSRF(context) }
        // Room roles after CSRF: checking a seat loads the room and notes presence, which a
        // forged request must not cause.
        let outcome = try RoomAccess.refusal(endpoint.access, context) ?? endpoint.handler(context)
        UserChannel.announce(context.announcements, services: services)
        for userID in context.rankingsToRefresh { services.leaderboards.refresh(userID: userID) }
        switch outcome {
        case .response(let r):
            return r
        case .park(let channel, let since, let variant):
            services.hub.wait(
                request: fcgi, channel: channel, since: since, variant: variant, owner: context.session.hash,
                address: context.request.remoteAddress, route: route, started: started, requestID: request.requestID)
            return nil
        }
    }

    /// Cookies, the answer, its count, and the log line.
    private func finish(
        _ fcgi: FastCGIRequest, _ ctx: RequestContext?, _ response: Response, requestID: String, params: [String: String], route: Int?,
        started: DispatchTime
    ) {
        var response = response
        if let ctx { addSessionCookies(ctx, to: &response) }
        let head = response.head(requestID: requestID)
        // Counted before it is sent: a client holding its answer finds it in the next scrape.
        let micros = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1000
        services.requestMetrics.record(route: route, status: response.status.code, micros: micros)
        fcgi.respond(head: head, body: response.body)
        RequestLog.answered(
            services.logger, id: requestID, method: params["REQUEST_METHOD"] ?? "", route: services.requestMetrics.pattern(route),
            status: response.status.code, micros: micros, uri: params["REQUEST_URI"] ?? "")
    }

    /// The one access check every route passes: nil lets the handler run. Admin routes answer
    /// exactly like a missing page to anyone else, so they cannot even be discovered; an admin
    /// whose session has not passed the second factor is sent to pass it (`TwoFactorGate`).
    /// Room roles (`.participant`, `.host`) are checked by `RoomAccess` right after, once CSRF
    /// has passed.
    static func refusal(_ access: Access, _ ctx: RequestContext) throws -> Response? {
        if access == .open || access == .api || access.roomRole != nil { return nil }
        if access == .monitoring {
            // Decided by the address and header alone: a scrape never looks up a session.
            if MetricsAccess.allows(ctx.request, tokenDigest: ctx.services.config.metricsTokenDigest) { return nil }
            throw ClientError.notFound("There is nothing at this address.")
        }
        ctx.mustLookUpUser = true
        let user = try ctx.user
        switch access {
        case .open, .participant, .dj, .host, .api, .monitoring:
            return nil
        case .admin, .adminSecondFactor:
            guard let user, user.isAdmin else { throw ClientError.notFound("There is nothing at this address.") }
            return try TwoFactorGate.refusal(access, user, ctx)
        case .user:
            if user != nil { return nil }
            guard ctx.request.method == "GET" || ctx.request.method == "HEAD" else {
                throw ClientError.forbidden("Please sign in first.")
            }
            return .redirect(to: "/login?next=" + PercentDecoding.encode(ctx.request.path))
        }
    }

    /// The session cookie when it is new or changed, and the signed-in hint beside it.
    private func addSessionCookies(_ ctx: RequestContext, to response: inout Response) {
        let secure = services.config.secureCookies
        let sessionCookie = SessionID.cookieName(secure: secure)
        switch ctx.sessionChange {
        case .signedIn:
            response.addHeader(
                "Set-Cookie",
                Cookies.setCookie(
                    name: sessionCookie, value: ctx.session.raw,
                    maxAge: AccountSessions.absoluteSeconds, secure: secure))
            response.addHeader(
                "Set-Cookie",
                Cookies.setCookie(
                    name: RequestContext.signedInHintCookie, value: "1",
                    maxAge: AccountSessions.absoluteSeconds, secure: secure))
        case .signedOut:
            response.addHeader("Set-Cookie", Cookies.setCookie(name: sessionCookie, value: "", maxAge: 0, secure: secure))
            response.addHeader("Set-Cookie", Cookies.setCookie(name: RequestContext.signedInHintCookie, value: "", maxAge: 0, secure: secure))
        case nil:
            if ctx.session.isNew {
                response.addHeader(
                    "Set-Cookie",
                    Cookies.setCookie(
                        name: sessionCookie, value: ctx.session.raw,
                        maxAge: SessionID.lifetimeSeconds, secure: secure))
            }
            if ctx.hintIsStale {
                response.addHeader("Set-Cookie", Cookies.setCookie(name: RequestContext.signedInHintCookie, value: "", maxAge: 0, secure: secure))
            }
        }
    }

    /// Refuses state changes that did not come from one of our own forms.
    private func checkCSRF(_ ctx: RequestContext) throws {
        try checkOrigin(ctx)
        let token = try ctx.form().value("csrf")
        guard !ctx.session.isNew, services.csrf.isValid(token, forSession: ctx.session.raw) else {
            throw ClientError.forbidden("This form has expired or did not come from Pomopomo. Go back, reload the page and try again.")
        }
    }

    /// Refuses a request another site's page sent: the half of the CSRF check that needs no body.
    private func checkOrigin(_ ctx: RequestContext) throws {
        let request = ctx.request
        // The configured origin, and the one the browser used to reach us (a victim's browser
        // sends our Host but the attacker's Origin, so this admits no cross-site request).
        var allowed = [services.config.baseOrigin]
        if let origin = request.selfOrigin { allowed.append(origin) }
        if CSRFProtector.isCrossSite(origin: request.origin, secFetchSite: request.secFetchSite, allowedOrigins: allowed) {
            throw ClientError.forbidden("This request came from another site, so it was refused.")
        }
    }

    /// Fields an outage page must not show back: secrets that would then sit in the page, the
    /// browser's history and any screenshot (passwords, mailed-link tokens, CSRF and link tokens).
    static func neverShownBack(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == "csrf" || lowered == "token" || lowered == "pending" || lowered == "code" || lowered.contains("password")
            || lowered.contains("secret")
    }

    static func errorResponse(_ error: Error, ctx: RequestContext?, services: Services, requestID: String? = nil, path: String? = nil) -> Response {
        let id = requestID ?? ctx?.request.requestID ?? "-"
        let shown = ErrorMapping.shown(error, requestID: id, logger: services.logger)
        let status = shown.status
        let uri = path ?? ctx?.request.path ?? ""
        if uri.hasPrefix("/api/") { return ErrorMapping.apiResponse(shown, requestID: id) }
        let wantsJSON = uri.hasSuffix("/poll") || uri.contains("/poll?") || uri.hasSuffix(".json") || (ctx?.request.wantsJSON ?? false)
        if wantsJSON { return .jsonError(shown, requestID: id) }
        var context: TemplateContext = [
            "status": .text(String(status.code)), "heading": .text(status.title),
            "message": .text(shown.publicMessage), "request_id": .text(id),
        ]
        // On an outage or a rate limit the user's typed text is shown back, so nothing they wrote is lost.
        if status.code == 503 || shown is RateLimited, let fields = try? ctx?.form().fields {
            let kept = fields.filter { !Self.neverShownBack($0.name) && !$0.value.isEmpty }
            if !kept.isEmpty {
                context["has_kept"] = .bool(true)
                context["kept"] = .list(kept.map { ["name": .text($0.name), "value": .text($0.value)] })
            }
        }
        var response = Views.page("error", title: status.title, context, for: ctx, services: services, status: status)
        for (name, value) in shown.extraHeaders { response.addHeader(name, value) }
        return response
    }
}
