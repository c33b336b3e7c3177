import Foundation
import Testing
@testable import App
@testable import Domain
@testable import Sodium
import Web

@Suite("Usernames")
struct UsernameTests {
    @Test(arguments: [("alice", "alice"), ("Alice_99", "Alice_99"), ("ａｌｉｃｅ", "alice"), ("  bob-1 ", "bob-1"), ("ＡＢＣ１２３", "ABC123")])
    func normalisesWithNFKC(_ typed: String, _ stored: String) throws {
        #expect(try Username(validating: typed).value == stored)
    }

    @Test func comparisonIgnoresCase() throws {
        #expect(try Username(validating: "Alice").key == Username(validating: "aLICE").key)
    }

    @Test(arguments: [
        "аlice",            // Cyrillic а
        "al\u{200B}ice",    // zero-width space
        "al\u{202E}ice",    // right-to-left override
        "al ice", "al.ice", "_alice", "-alice", "alice<script>", "ali'ce", "al\u{0}ice", "ålice",
    ])
    func refusesOtherCharacters(_ typed: String) {
        #expect(throws: Username.Problem.characters) { try Username(validating: typed) }
    }

    @Test(arguments: ["", "ab", String(repeating: "a", count: 31)])
    func refusesBadLengths(_ typed: String) {
        #expect(throws: Username.Problem.length) { try Username(validating: typed) }
    }

    @Test(arguments: ["admin", "ADMIN", "Root", "settings", "ＡＤＭＩＮ", "pomopomo", "null"])
    func refusesReservedNames(_ typed: String) {
        #expect(throws: Username.Problem.reserved) { try Username(validating: typed) }
    }

    @Test(arguments: [("octo.cat", "octo-cat"), ("a", "a-focus"), ("Jöhn Smith", "J-hn-Smith"), ("__x__", "x-focus")])
    func suggestsValidNames(_ login: String, _ expected: String) {
        #expect(Username.suggestion(from: login)?.value == expected)
    }
}

@Suite("Email addresses")
struct EmailAddressTests {
    @Test(arguments: ["a@example.org", " Name.Last+tag@Sub.Example.org "])
    func acceptsOrdinaryAddresses(_ typed: String) throws {
        #expect(try EmailAddress(validating: typed).value == typed.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: ["", "plain", "a@b", "@example.org", "a@@example.org", "a b@example.org", "a@example.org\r\nBcc: x@y.z",
                      "<a@example.org>", "a@example..", String(repeating: "a", count: 250) + "@example.org", "a\u{202E}@example.org"])
    func refusesTheRest(_ typed: String) {
        #expect(throws: EmailAddress.Problem.self) { try EmailAddress(validating: typed) }
    }
}

@Suite("Password policy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy(commonList: "#!comment: a list\npassword\nmonkey\niloveyou\nqwerty\n123456\n")

    @Test func lengthIsCountedInCharacters() {
        #expect(throws: PasswordPolicy.Problem.tooShort) { try policy.check("short words") }
        #expect(throws: PasswordPolicy.Problem.tooLong) { try policy.check(String(repeating: "x", count: 129)) }
        #expect(throws: Never.self) { try policy.check("émoji 🍅 tomato time") }
        #expect(throws: Never.self) { try policy.check(String(repeating: "x", count: 127) + "y") }
    }

    @Test(arguments: ["password1234", "PASSWORD!!2024", "monkeymonkeymonkey", "1234567890123", "iloveyou2024!", "aaaaaaaaaaaa",
                      "--qwerty--12", "123123123123", "0000 0000 0000", "987654321098"])
    func refusesCommonPasswordsDressedUp(_ password: String) {
        #expect(throws: PasswordPolicy.Problem.tooCommon) { try policy.check(password) }
    }

    @Test(arguments: ["correct horse battery staple", "tomato-timer-river", "focus on the long run",
                      "7391 4820 6159 3827 4610", "🍅🍅🚲🌊🎧📚🌙⭐️🍵🪴🎲🧭"])
    func acceptsLongUncommonOnes(_ password: String) {
        #expect(throws: Never.self) { try policy.check(password) }
    }

    @Test func readsTheDebianList() throws {
        let text = try String(contentsOfFile: "/usr/share/john/password.lst", encoding: .utf8)
        let debian = PasswordPolicy(commonList: text)
        #expect(debian.commonCount > 3000)
        #expect(debian.isCommon("letmein12345"))
    }
}

@Suite("Social links")
struct SocialLinksTests {
    @Test func acceptsUpToFiveHTTPSLinks() throws {
        let links = try SocialLinks(validating: "https://github.com/octo\r\n\n https://example.org/me \n")
        #expect(links.urls == ["https://github.com/octo", "https://example.org/me"])
    }

    @Test(arguments: ["http://example.org", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "https://",
                      "https://exa mple.org", "https://example.org/\"onmouseover=\"x", "https://user@evil.org", "//example.org",
                      "https://example.org/" + String(repeating: "a", count: 200),
                      "https://a.org\nhttps://b.org\nhttps://c.org\nhttps://d.org\nhttps://e.org\nhttps://f.org"])
    func refusesTheRest(_ text: String) {
        #expect(throws: SocialLinks.Problem.self) { try SocialLinks(validating: text) }
    }
}

@Suite("Account plumbing")
struct AccountPlumbingTests {
    @Test(arguments: [("/r/ABC-DEF", "/r/ABC-DEF"), ("/settings/profile?x=1", "/settings/profile?x=1"), ("//evil.org", "/me"),
                      ("/\\evil.org", "/me"), ("https://evil.org", "/me"), ("/%2F%2Fevil.org", "/me"), ("/%5Cevil", "/me"),
                      ("", "/me"), ("/ok\r\nSet-Cookie: x", "/me"), ("javascript:alert(1)", "/me")])
    func nextStaysOnThisSite(_ raw: String, _ expected: String) {
        #expect(AccountFlow.safeNext(raw) == expected)
    }

    @Test(arguments: [("203.0.113.7", "203.0.113.7"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
                      ("2001:db8:1:2::9", "2001:db8:1:2::/64"), ("2001:DB8::1", "2001:db8:0:0::/64"), ("::1", "0:0:0:0::/64")])
    func addressesAreBucketedByIPv6Prefix(_ address: String, _ bucket: String) {
        #expect(Throttle.addressBucket(address) == bucket)
    }

    @Test func avatarTypesComeFromTheBytes() {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]
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

@Suite("Route guards")
struct RouteGuardTests {
    let routes = Routes.table().routes

    /// Lobsters' rule: every admin page sits behind the one guard, and the build fails otherwise.
    @Test func everyAdminRouteIsGuardedAndOnlyThose() {
        for route in routes {
            let isAdminPath = route.pattern == "/admin" || route.pattern.hasPrefix("/admin/")
            #expect(isAdminPath == (route.handler.access == .admin), "\(route.method) \(route.pattern)")
        }
        #expect(routes.contains { $0.handler.access == .admin })
    }

    @Test func personalPagesNeedASignedInUser() {
        for route in routes where route.pattern == "/me" || route.pattern.hasPrefix("/me/") || route.pattern.hasPrefix("/settings") {
            #expect(route.handler.access == .user, "\(route.method) \(route.pattern)")
        }
    }

    /// What each room route asks of its user. A new room route must be added here, so nobody
    /// adds one without deciding who may use it.
    static let roomRoutes: [(String, String, Access)] = [
        ("GET", "/r/:code", .open), ("POST", "/r/:code/join", .open), ("GET", "/r/:code/poll", .open),
        ("GET", "/r/:code/state.json", .open),
        ("POST", "/r/:code/leave", .participant),
        ("POST", "/r/:code/tasks", .participant), ("POST", "/r/:code/tasks/:id", .participant),
        ("POST", "/r/:code/tasks/:id/toggle", .participant), ("POST", "/r/:code/tasks/:id/delete", .participant),
        ("POST", "/r/:code/proposals", .participant), ("POST", "/r/:code/messages", .participant),
        ("GET", "/r/:code/moderate", .host), ("POST", "/r/:code/timer", .host), ("POST", "/r/:code/theme", .host),
        ("POST", "/r/:code/slow-mode", .host),
        ("POST", "/r/:code/segments", .host), ("POST", "/r/:code/segments/:id", .host),
        ("POST", "/r/:code/segments/:id/delete", .host), ("POST", "/r/:code/segments/:id/move", .host),
        ("POST", "/r/:code/proposals/:id/accept", .host), ("POST", "/r/:code/proposals/:id/reject", .host),
        ("POST", "/r/:code/messages/:id/delete", .host),
        ("POST", "/r/:code/participants/:id/mute", .host), ("POST", "/r/:code/participants/:id/unmute", .host),
        ("POST", "/r/:code/participants/:id/remove", .host), ("POST", "/r/:code/participants/:id/host", .host),
    ]

    @Test func everyRoomRouteDeclaresWhoMayUseIt() {
        let declared = routes.filter { $0.pattern.hasPrefix("/r/") }
        #expect(declared.count == Self.roomRoutes.count, "a room route is missing from the table above, or gone")
        for route in declared {
            let expected = Self.roomRoutes.first { $0.0 == route.method && $0.1 == route.pattern }?.2
            #expect(expected != nil, "\(route.method) \(route.pattern) is not in the table above")
            #expect(route.handler.access == expected, "\(route.method) \(route.pattern)")
        }
        // Room roles only make sense where a code names the room.
        for route in routes where !route.pattern.hasPrefix("/r/:code") {
            #expect(route.handler.access.roomRole == nil, "\(route.method) \(route.pattern)")
        }
    }

    @Test(arguments: [
        (RoomRole.participant, ParticipantRole?.none, RoomRefusal?.some(.notJoined)),
        (.participant, .guest, nil), (.participant, .host, nil),
        (.host, nil, .notJoined), (.host, .guest, .hostOnly), (.host, .host, nil),
    ])
    func aRoomRoleAdmitsOnlyTheSeatsItNames(required: RoomRole, seat: ParticipantRole?, refusal: RoomRefusal?) {
        do throws(RoomRefusal) {
            try required.admit(seat)
            #expect(refusal == nil)
        } catch {
            #expect(error == refusal)
        }
    }

    @Test func everyRouteIsReachable() {
        // A route shadowed by an earlier pattern would never run its handler.
        for route in routes {
            let path = route.pattern.split(separator: "/").map { $0.hasPrefix(":") ? "x1" : String($0) }.joined(separator: "/")
            guard case .found(let found, _) = Routes.table().match(method: route.method, path: "/" + path) else {
                Issue.record("\(route.method) \(route.pattern) does not match itself"); continue
            }
            if !route.pattern.contains(":") { #expect(found.pattern == route.pattern) }
        }
    }
}

@Suite("Password hashing under load")
struct PasswordWorkTests {
    @Test func aFloodBeyondTheSlotsAndQueueIsToldToRetryAtOnce() throws {
        // A slow hasher keeps the slot busy while six threads (like accept threads) arrive at once.
        let work = PasswordWork(hasher: PasswordHasher(opsLimit: 4, memoryLimit: 64 * 1024 * 1024), slots: 1, queue: 1)
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var values: [Bool] = []
            func add(_ ok: Bool) { lock.lock(); values.append(ok); lock.unlock() }
        }
        let results = Outcomes()
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<6 {
            group.enter()
            Thread {
                start.wait()
                let ok = (try? work.hash("correct horse battery staple")) != nil
                results.add(ok)
                group.leave()
            }.start()
        }
        for _ in 0..<6 { start.signal() }
        group.wait()
        let outcomes = results.values
        #expect(outcomes.count == 6)
        #expect(outcomes.filter { $0 }.count >= 1, "someone gets a hash")
        #expect(outcomes.filter { !$0 }.count >= 3, "beyond one running and one waiting, the rest are refused at once")
        #expect(work.load.running == 0 && work.load.waiting == 0)
    }

    @Test func hashesPastTheSecondsBudgetAreRefusedUntilItRefills() throws {
        let work = PasswordWork(hasher: PasswordHasher(opsLimit: 1, memoryLimit: 8 * 1024 * 1024), slots: 4, queue: 0, perSecond: 2)
        _ = try work.hash("correct horse battery staple")
        _ = try work.hash("correct horse battery staple")
        #expect(throws: ClientError.self) { try work.hash("correct horse battery staple") }
        Thread.sleep(forTimeInterval: 0.6)
        #expect((try? work.hash("correct horse battery staple")) != nil, "the budget refills over the second")
    }

    @Test func withinTheSlotsEveryoneIsServed() throws {
        let work = PasswordWork(hasher: PasswordHasher(opsLimit: 1, memoryLimit: 8 * 1024 * 1024), slots: 2, queue: 2)
        let hash = try work.hash("correct horse battery staple")
        #expect(try work.verify("correct horse battery staple", against: hash))
        #expect(try !work.verify("wrong horse battery staple", against: hash))
    }
}
