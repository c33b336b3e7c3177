import Domain
import Sodium

/// The `pp_rv` cookie: after a change, the browser carries for a minute the version the change
/// produced, so the page it is sent back to (which nginx may ask of a responder that has not
/// heard of the change yet) is never older than the change (see `RoomReader.snapshot`). A cached
/// room older than that version is reloaded from PostgreSQL, so the value is signed (HMAC with
/// the server secret, bound to the room): a hand-made value, say a version the room will never
/// reach, is ignored instead of turning every view of a busy room into an uncached load.
struct SeenVersion: Sendable {
    static let cookieName = "pp_rv"
    private let key: [UInt8]

    init(secret: String) {
        key = Sodium.sha256(Array("pomopomo-room-version:".utf8) + Array(secret.utf8))
    }

    func cookieValue(_ version: Int, room code: RoomCode) -> String {
        "\(version)." + signature(version, code)
    }

    /// The version a cookie names, or nil when it is absent, malformed or not signed by us.
    func version(fromCookie value: String?, room code: RoomCode) -> Int? {
        guard let value, value.utf8.count <= 64 else { return nil }
        let fields = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0].count <= 15, fields[0].allSatisfy({ $0.isASCII && $0.isNumber }),
            let version = Int(fields[0]),
            Sodium.constantTimeEqual(Array(fields[1].utf8), Array(signature(version, code).utf8))
        else { return nil }
        return version
    }

    private func signature(_ version: Int, _ code: RoomCode) -> String {
        Base64URL.encode(Array(Sodium.hmacSHA256(key: key, message: Array("\(code.value):\(version)".utf8)).prefix(16)))
    }
}
