import Testing

@testable import Domain

@Suite("Two-factor text: base32, recovery codes, typed input, otpauth")
struct TwoFactorTextTests {
    /// RFC 4648 section 10, without the padding authenticator apps leave out.
    @Test(arguments: [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")])
    func base32Vectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test func base32ForgivesWhatPeopleTypeAndRefusesTheRest() {
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        #expect(Base32.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ")
    }

    @Test func recoveryCodesAreTenCrockfordSymbolsShownInTwoGroups() {
        let code = RecoveryCode.make(randomBytes: Array(0..<10))
        #expect(code == "0123456789")
        #expect(RecoveryCode.make(randomBytes: [UInt8](repeating: 0xFF, count: 10)) == "ZZZZZZZZZZ")
        #expect(RecoveryCode.shown("ABCDEFGHJK") == "ABCDE-FGHJK")
        #expect(RecoveryCode.canonical("abcde-fghjk") == "ABCDEFGHJK")
        #expect(RecoveryCode.canonical(" ABCDE FGHJK ") == "ABCDEFGHJK")
        #expect(RecoveryCode.canonical("O1LI0-ABCDE") == "01110ABCDE")
        #expect(RecoveryCode.canonical("ABCDE-FGHJ") == nil)
        #expect(RecoveryCode.canonical("ABCDE-FGHJKM") == nil)
        #expect(RecoveryCode.canonical("ABCDE-FGHJU") == nil)
        #expect(RecoveryCode.canonical("ABCDE\u{0}FGHJK") == nil)
    }

    @Test func typedInputIsSixDigitsOrARecoveryCode() throws {
        #expect(try SecondFactorInput(typed: "123456", allowRecovery: true) == .totp("123456"))
        #expect(try SecondFactorInput(typed: "123 456", allowRecovery: false) == .totp("123456"))
        #expect(try SecondFactorInput(typed: "abcde-fghjk", allowRecovery: true) == .recovery("ABCDEFGHJK"))
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", "' OR 1=1 --", String(repeating: "1", count: 5000)] {
            #expect(throws: SecondFactorRefusal.malformed(allowRecovery: true)) { try SecondFactorInput(typed: bad, allowRecovery: true) }
        }
        #expect(throws: SecondFactorRefusal.malformed(allowRecovery: false)) { try SecondFactorInput(typed: "ABCDE-FGHJK", allowRecovery: false) }
    }

    @Test func otpauthAddressEscapesItsLabel() {
        let uri = OTPAuthURI.make(issuer: "Pomopomo", account: "ana b/c", secretBase32: "MZXW6YTBOI")
        #expect(uri == "otpauth://totp/Pomopomo:ana%20b%2Fc?secret=MZXW6YTBOI&issuer=Pomopomo&algorithm=SHA1&digits=6&period=30")
    }
}
