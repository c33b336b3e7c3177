import Testing

@testable import Web

@Suite("Cookies")
struct CookieTests {
    @Test func parsesAndKeepsFirstOfAName() {
        let cookies = Cookies.parse("a=1; b = 2 ;a=3; junk; =x")
        #expect(cookies["a"] == "1")
        #expect(cookies["b"] == "2")
    }

    @Test func ignoresOversizedHeader() {
        #expect(Cookies.parse("a=" + String(repeating: "x", count: 9000)).isEmpty)
    }

    @Test func setCookieIsHttpOnlyAndLax() {
        let value = Cookies.setCookie(name: "pp_sid", value: "v", maxAge: 60, secure: true)
        #expect(value == "pp_sid=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure")
    }
}
