import Testing

@testable import Domain

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 appendix B's SHA-1 secret: the ASCII digits 1234567890 twice.
    let secret = Array("12345678901234567890".utf8)

    /// Appendix B's SHA-1 rows; six digits are the last six of its eight (both are the same
    /// number modulo a power of ten).
    @Test(arguments: [
        (Int64(59), "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
        (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func rfc6238Vectors(time: Int64, code: String) {
        #expect(TOTP.code(secret: secret, step: TOTP.step(atUnixSeconds: time)) == code)
    }

    @Test func aCodeCountsOneStepEitherSideAndNoFurther() {
        let now: Int64 = 1_700_000_015
        let step = TOTP.step(atUnixSeconds: now)
        for offset in -1...1 {
            let code = TOTP.code(secret: secret, step: step + Int64(offset))
            #expect(TOTP.check(code, secret: secret, atUnixSeconds: now, lastUsedStep: nil) == .accepted(step: step + Int64(offset)))
        }
        for offset in [-3, -2, 2, 3] {
            let code = TOTP.code(secret: secret, step: step + Int64(offset))
            #expect(TOTP.check(code, secret: secret, atUnixSeconds: now, lastUsedStep: nil) == .wrong, "offset \(offset)")
        }
    }

    @Test func aStepIsTakenOnceAndNeverBeforeALaterOne() {
        let now: Int64 = 1_700_000_015
        let step = TOTP.step(atUnixSeconds: now)
        let code = TOTP.code(secret: secret, step: step)
        #expect(TOTP.check(code, secret: secret, atUnixSeconds: now, lastUsedStep: step) == .reused)
        #expect(TOTP.check(code, secret: secret, atUnixSeconds: now, lastUsedStep: step + 1) == .reused)
        #expect(TOTP.check(code, secret: secret, atUnixSeconds: now, lastUsedStep: step - 1) == .accepted(step: step))
        #expect(TOTP.check("000000", secret: secret, atUnixSeconds: now, lastUsedStep: step) != .accepted(step: step))
    }

    @Test func stepsFloorAtTheirBoundaries() {
        #expect(TOTP.step(atUnixSeconds: 0) == 0)
        #expect(TOTP.step(atUnixSeconds: 29) == 0)
        #expect(TOTP.step(atUnixSeconds: 30) == 1)
        #expect(TOTP.step(atUnixSeconds: -1) == -1)
    }
}

@Suite("SHA-1 and HMAC-SHA-1")
struct SHA1Tests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// FIPS 180 examples, and lengths around the padding boundary (checked against sha1sum).
    @Test func fipsVectors() {
        #expect(Self.hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Self.hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(
            Self.hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Self.hex(SHA1.hash([UInt8](repeating: 0x61, count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// RFC 2202 test cases 1, 2 and 6 (a key longer than a block is hashed first).
    @Test func rfc2202Vectors() {
        #expect(
            Self.hex(SHA1.hmac(key: [UInt8](repeating: 0x0B, count: 20), message: Array("Hi There".utf8)))
                == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(
            Self.hex(SHA1.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(
            Self.hex(
                SHA1.hmac(
                    key: [UInt8](repeating: 0xAA, count: 80), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }
}
