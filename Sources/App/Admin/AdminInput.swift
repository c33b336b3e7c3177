import Domain
import Foundation
import Web

/// Reading an admin form or filter: one value per field (a repeated one is a 400, `FormData`),
/// choices from their Domain enums, refusals as `ModerationRefusal`.
enum AdminInput {
    /// The form's `reason` field (a note on a report uses the same rules).
    static func reason(_ ctx: RequestContext, field: String = "reason", required: Bool) throws -> ModerationReason {
        try ModerationReason(validating: try ctx.field(field), required: required)
    }

    /// A query value, "" when absent, at most `limit` characters.
    static func query(_ ctx: RequestContext, _ name: String, limit: Int = 100) throws -> String {
        let value = try ctx.request.query.value(name) ?? ""
        guard value.count <= limit else { throw ModerationRefusal.invalid("“\(name)” can be at most \(limit) characters long.") }
        return value.trimmingCharacters(in: .whitespaces)
    }

    /// A choice from a Domain enum in the query; nil when absent or empty.
    static func choice<T: RawRepresentable>(_ ctx: RequestContext, _ name: String, _: T.Type) throws -> T? where T.RawValue == String {
        let raw = try query(ctx, name, limit: 40)
        if raw.isEmpty { return nil }
        guard let value = T(rawValue: raw) else { throw ModerationRefusal.invalid("“\(raw.prefix(40))” is not a choice for \(name).") }
        return value
    }

    /// A UTC day (YYYY-MM-DD) in the query; nil when absent.
    static func day(_ ctx: RequestContext, _ name: String) throws -> String? {
        let raw = try query(ctx, name, limit: 10)
        if raw.isEmpty { return nil }
        guard let day = LocalDate(iso: raw), (1970...9999).contains(day.components.year) else {
            throw ModerationRefusal.invalid("\(name) must be a day written YYYY-MM-DD.")
        }
        return day.description
    }

    /// A whole number in the query within `range`; nil when absent.
    static func number(_ ctx: RequestContext, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        let raw = try query(ctx, name, limit: 19)
        if raw.isEmpty { return nil }
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(raw), range.contains(n) else {
            throw ModerationRefusal.invalid("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return n
    }
}
