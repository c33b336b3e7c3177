internal import CSodium

/// The few libsodium primitives Pomopomo needs: randomness, SHA-256, HMAC-SHA-256 and
/// constant-time comparison. None of these calls block.
public enum Sodium {
    /// libsodium must be initialised once before any thread uses it; repeated calls are cheap no-ops.
    public static let ready: Bool = sodium_init() >= 0

    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(ready, "libsodium failed to initialise")
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return bytes
    }

    /// A uniformly random integer in 0..<upperBound, without modulo bias.
    public static func randomIndex(_ upperBound: UInt32) -> Int {
        precondition(ready, "libsodium failed to initialise")
        return Int(randombytes_uniform(upperBound))
    }

    public static func sha256<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let bytes = Array(input)
        bytes.withUnsafeBufferPointer { inp in
            _ = crypto_hash_sha256(&out, inp.baseAddress, UInt64(inp.count))
        }
        return out
    }

    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        _ = crypto_auth_hmacsha256_final(&state, &out)
        return out
    }

    /// Compares two byte strings in time that depends only on their length.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return sodium_memcmp(a, b, a.count) == 0
    }
}

/// URL-safe base64 without padding, as used in cookies, tokens and URLs.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil for anything that is not canonical unpadded base64url.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        if chars.count % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = reverse[Int(c)]
            if v == 0xFF { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(acc >> UInt32(bits) & 0xFF))
            }
        }
        // Leftover bits must be zero, or two strings would decode to the same bytes.
        if bits > 0 && acc & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }
}

/// Password hashing with Argon2id through libsodium's `crypto_pwhash_str`: the stored string
/// carries the algorithm, parameters and salt, so parameters can be raised later and old
/// hashes still verify (and are rehashed at the next sign-in). Each call takes tens of
/// milliseconds of CPU and `memoryLimit` bytes of memory on the calling thread: that is the point.
public struct PasswordHasher: Sendable {
    /// OWASP Password Storage Cheat Sheet, Argon2id minimum: m = 19 MiB, t = 2, p = 1
    /// (libsodium always uses one lane).
    public static let owasp = PasswordHasher(opsLimit: 2, memoryLimit: 19 * 1024 * 1024)

    public let opsLimit: Int
    public let memoryLimit: Int

    public init(opsLimit: Int, memoryLimit: Int) {
        self.opsLimit = opsLimit
        self.memoryLimit = memoryLimit
    }

    public struct Failure: Error {}

    /// The encoded string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Fails only when out of memory.
    public func hash(_ password: String) throws -> String {
        precondition(Sodium.ready)
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let length = UInt64(password.utf8.count)
        let rc = password.withCString { pw in
            crypto_pwhash_str_alg(&out, pw, length, UInt64(opsLimit), memoryLimit, crypto_pwhash_ALG_ARGON2ID13)
        }
        guard rc == 0 else { throw Failure() }
        return String(cString: out)
    }

    public func verify(_ password: String, against encoded: String) -> Bool {
        precondition(Sodium.ready)
        let length = UInt64(password.utf8.count)
        return password.withCString { crypto_pwhash_str_verify(encoded, $0, length) == 0 }
    }

    /// True when `encoded` was made with other (older) parameters or another algorithm.
    public func needsRehash(_ encoded: String) -> Bool {
        crypto_pwhash_str_needs_rehash(encoded, UInt64(opsLimit), memoryLimit) != 0
    }
}
