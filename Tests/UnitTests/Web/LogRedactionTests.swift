import Testing

@testable import Web

@Suite("What reaches the log")
struct LogRedactionTests {
    @Test(arguments: [
        ("/auth/magic?token=abcDEF123", "/auth/magic?token=…"),
        ("/auth/github/callback?code=c0de&state=s7ate", "/auth/github/callback?code=…&state=…"),
        ("/auth/reset?%74oken=abc&x=1", "/auth/reset?%74oken=…&x=1"),
        ("/r/ABC123/poll?since=4", "/r/ABC123/poll?since=4"),
        ("/login", "/login"),
    ])
    func secretsInQueryStringsAreNeverLogged(_ uri: String, _ logged: String) {
        #expect(LogRedaction.uri(uri) == logged)
        #expect(!LogRedaction.uri(uri).contains("abc"))
    }
}
