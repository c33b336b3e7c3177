import Foundation
import Mustache
import Testing

@testable import App
@testable import Domain
@testable import Web

/// The stored values of mail purposes and request kinds: exactly what the schema's CHECKs allow,
/// since links already mailed and requests already queued carry them.
@Suite("Mail purposes")
struct MailPurposeTests {
    static let migration = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/App/Migrations/003_accounts.sql").path

    /// The values `CREATE TABLE table` allows in its `purpose` column.
    static func allowedPurposes(in table: String) throws -> [String] {
        let sql = try String(contentsOfFile: migration, encoding: .utf8)
        let create = try #require(sql.components(separatedBy: "CREATE TABLE \(table) (").dropFirst().first)
        let check = try #require(create.components(separatedBy: "CHECK (purpose IN (").dropFirst().first)
        let list = try #require(check.components(separatedBy: "))").first)
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
    }

    @Test func purposesAreWhatMailTokensAllow() throws {
        #expect(MailPurpose.allCases.map(\.rawValue) == (try Self.allowedPurposes(in: "mail_tokens")))
    }

    @Test func requestKindsAreWhatMailRequestsAllow() throws {
        #expect(MailRequestKind.allCases.map(\.rawValue) == (try Self.allowedPurposes(in: "mail_requests")))
    }

    @Test(arguments: MailRequestKind.allCases)
    func requestKindsReadBackAsWritten(_ kind: MailRequestKind) {
        #expect(MailRequestKind(stored: kind.rawValue) == kind)
    }

    @Test(arguments: ["", "verify", "delete", "SIGNUP", "sign_up", "magic "])
    func anUnknownRequestKindReadsAsNone(_ stored: String) {
        #expect(MailRequestKind(stored: stored) == nil)
    }

    @Test(arguments: MailPurpose.allCases)
    func aLinkOpensThePageOfItsPurpose(_ purpose: MailPurpose) {
        #expect(MailToken.link(purpose, token: "abc", base: "https://pomo.example") == "https://pomo.example/auth/\(purpose.rawValue)?token=abc")
    }
}
