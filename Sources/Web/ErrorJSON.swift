/// `{"error": …, "request_id": …}`, the body of every JSON error; `request_id` is left out
/// when there is none.
struct ErrorJSON: Encodable {
    let error: String
    let requestID: String?

    enum CodingKeys: String, CodingKey {
        case error
        case requestID = "request_id"
    }
}
