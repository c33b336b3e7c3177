/// What a route that takes a file asks of the responder (`Endpoint.upload`): its own body limit
/// instead of POMOPOMO_MAX_BODY (nginx has a location of its own with the same limit), and a rate
/// limit that is counted, like the access gate, before a byte of the body is read. Such requests
/// are then handed to the responder's `UploadLane`.
struct UploadPolicy: Sendable {
    let maxBodyBytes: Int
    let rule: @Sendable (RateLimits) -> RateLimits.Rule
}
