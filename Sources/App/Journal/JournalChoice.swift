import Domain

/// The journal's chips as forms send them (`intent`, `category`, `activity`): a known value, or a
/// 422 that names the field. An empty or missing field is "not chosen" (nil); what that means is
/// the caller's to say.
enum JournalChoice {
    static func intent(_ ctx: RequestContext) throws -> IntentCategory? {
        try parse(ctx, "intent", IntentCategory.init(form:), "Choose what the session is for: one of the chips.")
    }

    static func category(_ ctx: RequestContext) throws -> InterruptionCategory? {
        try parse(ctx, "category", InterruptionCategory.init(form:), "Choose what interrupted you: one of the chips.")
    }

    static func activity(_ ctx: RequestContext) throws -> BreakActivity? {
        try parse(ctx, "activity", BreakActivity.init(form:), "Choose what the break is for: one of the chips.")
    }

    private static func parse<T>(_ ctx: RequestContext, _ name: String, _ make: (String) -> T?, _ why: String) throws -> T? {
        let raw = try ctx.field(name)
        guard !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 40, let value = make(raw) else { throw JournalRefusal.invalid(why) }
        return value
    }
}
