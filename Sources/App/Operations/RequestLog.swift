import Logging
import Web

/// One log line per answered request (issue 17): its id (the one its error page shows), method,
/// route pattern (never the address asked for, whose query may carry a mailed token), status and
/// microseconds. Ordinary answers are `info`, 503 `warning`, other 5xx `error`; failures and debug
/// logging add the address, with secrets taken out (`LogRedaction.uri`).
enum RequestLog {
    static func answered(
        _ logger: Logger, id: String, method: String, route: String, status: Int, micros: UInt64, uri: @autoclosure () -> String
    ) {
        let level: Logger.Level = status == 503 ? .warning : status >= 500 ? .error : .info
        guard logger.logLevel <= level else { return }
        let address = status >= 500 || logger.logLevel <= .debug ? uri() : ""
        // Fields in key order, as KeyValueLogHandler sorts them; straight to stderr, no dictionary or lock.
        if address.isEmpty {
            KeyValueLogHandler.emit(
                level: level, "request", ["id": id, "method": method, "route": route, "status": String(status), "us": String(micros)])
        } else {
            KeyValueLogHandler.emit(
                level: level, "request",
                [
                    "id": id, "method": method, "route": route, "status": String(status), "uri": LogRedaction.uri(address),
                    "us": String(micros),
                ])
        }
    }
}
