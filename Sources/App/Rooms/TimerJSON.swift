import Web

/// A room's timer as state.json and the long-poll show it; live.js counts down from `ends_at_ms`
/// (null unless running) against `server_now_ms`.
struct TimerJSON: Encodable {
    let status: String
    let index: Int
    let count: Int
    let kind: String
    let phase: String
    @NullWhenAbsent var endsAtMs: Int?
    let remainingMs: Int
    let durationMs: Int
    let serverNowMs: Int

    enum CodingKeys: String, CodingKey {
        case status, index, count, kind, phase
        case endsAtMs = "ends_at_ms"
        case remainingMs = "remaining_ms"
        case durationMs = "duration_ms"
        case serverNowMs = "server_now_ms"
    }

    init(_ timer: TimerView) {
        status = timer.status.rawValue
        index = timer.index
        count = timer.count
        kind = timer.kind
        phase = timer.phase
        endsAtMs = timer.endsAtMs
        remainingMs = timer.remainingMs
        durationMs = timer.durationMs
        serverNowMs = timer.serverNowMs
    }
}
