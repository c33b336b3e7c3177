import Testing

@testable import Sodium

@Suite("Base64url")
struct Base64URLTests {
    @Test func base64URLRoundTripsAndRejectsNonCanonical() {
        for n in 0..<40 {
            let bytes = Sodium.randomBytes(n)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab+/") == nil)
        #expect(Base64URL.decode("AB") == nil)  // leftover bits set
    }
}
