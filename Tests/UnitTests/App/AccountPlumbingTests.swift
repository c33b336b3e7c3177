import Testing

@testable import App

@Suite("Account plumbing")
struct AccountPlumbingTests {
    @Test(arguments: [
        ("/r/ABC-DEF", "/r/ABC-DEF"), ("/settings/profile?x=1", "/settings/profile?x=1"), ("//evil.org", "/me"),
        ("/\\evil.org", "/me"), ("https://evil.org", "/me"), ("/%2F%2Fevil.org", "/me"), ("/%5Cevil", "/me"),
        ("", "/me"), ("/ok\r\nSet-Cookie: x", "/me"), ("javascript:alert(1)", "/me"),
    ])
    func nextStaysOnThisSite(_ raw: String, _ expected: String) {
        #expect(AccountFlow.safeNext(raw) == expected)
    }

    @Test(arguments: [
        ("203.0.113.7", "203.0.113.7"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::9", "2001:db8:1:2::/64"), ("2001:DB8::1", "2001:db8:0:0::/64"), ("::1", "0:0:0:0::/64"),
    ])
    func addressesAreBucketedByIPv6Prefix(_ address: String, _ bucket: String) {
        #expect(Throttle.addressBucket(address) == bucket)
    }

    @Test func avatarTypesComeFromTheBytes() {
        var png: [UInt8] =
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]
        png += [UInt8](repeating: 0, count: 16)
        #expect(Avatars.sniff(png) == .png)
        #expect(Avatars.sniff(Array(png.prefix(8))) == nil)
        #expect(Avatars.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9]) == .jpeg)
        let webp = Array("RIFF".utf8) + [8, 0, 0, 0] + Array("WEBPVP8L".utf8)
        #expect(Avatars.sniff(webp) == .webp)
        #expect(Avatars.sniff(Array("<html><script>alert(1)</script></html>".utf8)) == nil)
        #expect(Avatars.sniff(Array("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".utf8)) == nil)
        #expect(Avatars.sniff([]) == nil)
    }
}
