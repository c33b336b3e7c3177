import Foundation
import Web

/// GET /metrics: this responder's figures in Prometheus text format. Each responder answers for
/// itself alone (its requests, its parked polls, its pools and job threads); the queues and lags
/// read from PostgreSQL are the same from every responder. Who may read it: `MetricsAccess`.
enum MetricsHandlers {
    static let scrape: Handler = { ctx in
        let services = ctx.services
        var out = MetricsText()
        out.family("pomopomo_responder_info", "gauge", "This responder: its socket and process id (each responder exposes its own figures).")
        out.sample(
            "pomopomo_responder_info", ["socket": services.config.socket, "pid": String(ProcessInfo.processInfo.processIdentifier)], 1.0)
        requests(services.requestMetrics, into: &out)
        live(services, into: &out)
        pools(services, into: &out)
        jobs(services, into: &out)
        ProcessFigures.current().write(into: &out)
        var response = Response(status: .ok, headers: [("Content-Type", MetricsText.contentType)], body: Array(out.text.utf8))
        response.addHeader("Cache-Control", "no-store")
        return .response(response)
    }

    static func requests(_ metrics: RequestMetrics, into out: inout MetricsText) {
        let totals = metrics.totals()
        out.family("pomopomo_http_requests_total", "counter", "Requests answered, by method and route pattern (never the path asked for) and status.")
        for route in totals {
            for (status, count) in route.byStatus {
                out.sample("pomopomo_http_requests_total", ["method": route.method, "route": route.pattern, "status": status], count)
            }
        }
        out.family(
            "pomopomo_http_request_duration_seconds", "histogram",
            "Time from a request's arrival to its answer, by route (long-polls include their wait).")
        for route in totals {
            let name = "pomopomo_http_request_duration_seconds"
            for (bound, count) in route.cumulative {
                out.sample(name + "_bucket", [("method", route.method), ("route", route.pattern), ("le", bound)], String(count))
            }
            out.sample(name + "_sum", ["method": route.method, "route": route.pattern], route.seconds)
            out.sample(name + "_count", ["method": route.method, "route": route.pattern], route.count)
        }
    }

    static func live(_ services: Services, into out: inout MetricsText) {
        let parked = Double(services.hub.parkedCount)
        out.gauge("pomopomo_parked_polls", "Long-polls parked in this responder, waiting for a change or their deadline.", parked)
        out.gauge(
            "pomopomo_live_subscribed", "1 while this responder is subscribed to Redis wake-ups (0: it polls PostgreSQL instead).",
            services.hub.isSubscribed ? 1 : 0)
    }

    static func pools(_ services: Services, into out: inout MetricsText) {
        let pg = services.database.usage
        out.gauge("pomopomo_postgres_pool_size", "PostgreSQL connections this responder may open (POMOPOMO_DB_POOL).", Double(pg.size))
        out.family("pomopomo_postgres_pool_connections", "gauge", "Open PostgreSQL connections of this responder, busy or idle.")
        out.sample("pomopomo_postgres_pool_connections", ["state": "busy"], Double(pg.busy))
        out.sample("pomopomo_postgres_pool_connections", ["state": "idle"], Double(pg.idle))
        out.family("pomopomo_postgres_pool_waits_total", "counter", "Times a thread found every connection busy and waited for one.")
        out.sample("pomopomo_postgres_pool_waits_total", UInt64(pg.waits))
        out.family("pomopomo_postgres_pool_timeouts_total", "counter", "Times a thread gave up waiting for a connection (the request got 503).")
        out.sample("pomopomo_postgres_pool_timeouts_total", UInt64(pg.timeouts))
        guard let redis = services.redis?.usage else {
            out.gauge("pomopomo_redis_configured", "1 when POMOPOMO_REDIS is set.", 0)
            return
        }
        out.gauge("pomopomo_redis_configured", "1 when POMOPOMO_REDIS is set.", 1)
        out.family("pomopomo_redis_pool_connections", "gauge", "Redis connections of this responder, busy or kept idle.")
        out.sample("pomopomo_redis_pool_connections", ["state": "busy"], Double(redis.busy))
        out.sample("pomopomo_redis_pool_connections", ["state": "idle"], Double(redis.idle))
        out.gauge(
            "pomopomo_redis_breaker_open", "1 while Redis is skipped after a failure (the breaker is open), else 0.", redis.breakerOpen ? 1 : 0)
        out.family("pomopomo_redis_breaker_trips_total", "counter", "Times the Redis breaker opened.")
        out.sample("pomopomo_redis_breaker_trips_total", UInt64(redis.breakerTrips))
    }

    static func jobs(_ services: Services, into out: inout MetricsText) {
        out.family(
            "pomopomo_job_last_tick_age_seconds", "gauge",
            "Seconds since each background job thread of this responder last finished a tick (a stuck job keeps growing).")
        for (job, seconds) in JobHeartbeats.shared.ages() {
            out.sample("pomopomo_job_last_tick_age_seconds", ["job": job], seconds)
        }
        let backlogs: [(job: String, depth: QueueDepth)]
        do {
            backlogs = try services.database.withConnection { conn in
                [
                    ("room_segments", try TimerStore.sweepBacklog(on: conn)),
                    ("personal_timers", try PersonalTimerStore.sweepBacklog(on: conn)),
                    ("daily_resets", try PersonalTimerStore.resetBacklog(on: conn)),
                    ("mail_outbox", try Outbox.backlog(on: conn)),
                    ("transcription", try TranscriptionQueue.backlog(on: conn)),
                ]
            }
        } catch {
            // The rest of the scrape still says what it can; this says why the backlog is missing.
            out.gauge("pomopomo_database_up", "1 when the backlog figures below could be read from PostgreSQL.", 0)
            return
        }
        out.gauge("pomopomo_database_up", "1 when the backlog figures below could be read from PostgreSQL.", 1)
        out.family(
            "pomopomo_job_lag_seconds", "gauge",
            "How long the oldest due item of each job has waited past its time (0: nothing overdue): room segments and personal "
                + "timers to move on, daily resets, mail, voice notes to transcribe."
        )
        for (job, depth) in backlogs { out.sample("pomopomo_job_lag_seconds", ["job": job], depth.lagSeconds) }
        out.family(
            "pomopomo_job_queue", "gauge", "Items of each job: due now, or waiting for a later time (a retry's pause, a lease, a running segment).")
        for (job, depth) in backlogs {
            out.sample("pomopomo_job_queue", ["job": job, "state": "due"], Double(depth.due))
            out.sample("pomopomo_job_queue", ["job": job, "state": "waiting"], Double(depth.waiting))
        }
        if let outbox = backlogs.first(where: { $0.job == "mail_outbox" })?.depth {
            out.family("pomopomo_outbox_messages", "gauge", "Unsent mail in the outbox: due now, or waiting for its next try after a failure.")
            out.sample("pomopomo_outbox_messages", ["state": "due"], Double(outbox.due))
            out.sample("pomopomo_outbox_messages", ["state": "retrying"], Double(outbox.waiting))
        }
    }
}
