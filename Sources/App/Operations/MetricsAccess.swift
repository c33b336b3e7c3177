import Sodium
import Web

/// Who may read `/metrics`: a client on this host (the address nginx passes, never a header),
/// or one that sends `Authorization: Bearer` with POMOPOMO_METRICS_TOKEN. Everyone else gets
/// the same 404 as an address that does not exist.
enum MetricsAccess {
    static func allows(_ request: Request, tokenDigest: [UInt8]?) -> Bool {
        if isLoopback(request.remoteAddress) { return true }
        guard let tokenDigest, let header = request.authorization else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        // Digests of equal length, compared in constant time: neither the token's bytes nor its
        // length can be learned by timing guesses.
        return Sodium.constantTimeEqual(Sodium.sha256(Array(parts[1].utf8)), tokenDigest)
    }

    /// 127.0.0.0/8 and ::1 (an IPv4-mapped address is already its IPv4 form, see
    /// `Request.clientAddress`). A unix-socket listener's "unix:" is not counted as local.
    static func isLoopback(_ address: String) -> Bool {
        if address == "::1" || address == "0:0:0:0:0:0:0:1" { return true }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
    }
}
