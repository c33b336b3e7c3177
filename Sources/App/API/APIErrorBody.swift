import Web

/// The body of every `/api/…` error (`ErrorMapping.apiResponse`).
struct APIErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        /// The JSON key at fault, when one is.
        let field: String?
    }

    let error: Detail
    let requestID: String
    /// The timer as it is now, on a 409 `stale_version`.
    let current: PersonalTimerJSON?

    enum CodingKeys: String, CodingKey {
        case error, current
        case requestID = "request_id"
    }
}
