import Testing

@testable import Sodium

@Suite("Password hashing")
struct PasswordHashingTests {
    @Test func argon2idWithOWASPParameters() throws {
        let hasher = PasswordHasher.owasp
        let encoded = try hasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hasher.verify("correct horse battery staple", against: encoded))
        #expect(!hasher.verify("correct horse battery stapl", against: encoded))
        #expect(!hasher.verify("", against: encoded))
        #expect(!hasher.needsRehash(encoded))
        #expect(try hasher.hash("correct horse battery staple") != encoded, "each hash has its own salt")
    }

    @Test func weakerOldHashesStillVerifyAndAskForARehash() throws {
        let old = try PasswordHasher(opsLimit: 1, memoryLimit: 8 * 1024 * 1024).hash("tomato timer river")
        #expect(PasswordHasher.owasp.verify("tomato timer river", against: old))
        #expect(PasswordHasher.owasp.needsRehash(old))
        #expect(!PasswordHasher.owasp.verify("tomato timer river", against: "not a hash"))
    }
}
