/// A voice note's words choosing what interrupted a session or what a break was for, when no chip
/// named it (the interruption is `other`, the break has no activity or `other`). Each category has
/// words and two-word phrases that point to it; the one the transcript names most wins, and a tie
/// or no match leaves the category as it was, so a guess is never made on nothing. Speech-to-text
/// is lower-case and unpunctuated; typed transcripts are read the same way.
public enum SpokenCategory {
    static let interruptionWords: [InterruptionCategory: Set<String>] = [
        .door: ["door", "doorbell", "knock", "knocked", "knocking", "bell", "delivery", "parcel", "package", "postman", "courier", "visitor"],
        .workCall: [
            "call", "called", "calling", "meeting", "colleague", "colleagues", "boss", "client", "manager", "zoom", "teams",
            "work call", "phone rang", "rang me",
        ],
        .family: [
            "family", "kid", "kids", "child", "children", "son", "daughter", "wife", "husband", "partner", "mum", "mom", "dad",
            "mother", "father", "baby", "brother", "sister",
        ],
        .notification: [
            "notification", "notifications", "email", "emails", "message", "messages", "text", "texts", "slack", "alert", "ping",
            "pinged", "buzzed", "inbox",
        ],
        .lostFocus: [
            "distracted", "daydreaming", "wandered", "bored", "tired", "sleepy", "procrastinated", "procrastinating", "scrolling",
            "news", "youtube", "lost focus", "lost concentration", "my mind",
        ],
    ]

    static let breakWords: [BreakActivity: Set<String>] = [
        .teaCoffee: ["tea", "coffee", "kettle", "espresso", "latte", "cappuccino", "cup", "mug", "brew"],
        .phone: ["phone", "instagram", "tiktok", "twitter", "scrolled", "scrolling", "texted", "whatsapp", "social media"],
        .walk: ["walk", "walked", "walking", "stroll", "outside", "outdoors", "stretch", "stretched", "stairs", "fresh air"],
        .food: ["food", "eat", "ate", "eating", "lunch", "snack", "dinner", "breakfast", "sandwich", "fruit", "apple", "cook", "cooked"],
        .rest: [
            "rest", "rested", "nap", "napped", "sleep", "slept", "relax", "relaxed", "meditate", "meditated", "breathe", "lay down", "lie down",
            "eyes closed",
        ],
    ]

    /// What interrupted, by the note's words; nil when they do not say.
    public static func interruption(_ transcript: String) -> InterruptionCategory? {
        best(transcript, interruptionWords, order: InterruptionCategory.allCases)
    }

    /// What the break was for, by the note's words; nil when they do not say.
    public static func breakActivity(_ transcript: String) -> BreakActivity? {
        best(transcript, breakWords, order: BreakActivity.allCases)
    }

    /// The words of `text`, lower-cased, letters and apostrophes only, and each pair of neighbours.
    static func terms(_ text: String) -> [String] {
        let words = text.lowercased().split { !($0.isLetter || $0 == "'") }.map(String.init)
        return words + zip(words, words.dropFirst()).map { "\($0) \($1)" }
    }

    private static func best<C: Hashable>(_ text: String, _ table: [C: Set<String>], order: [C]) -> C? {
        let found = terms(text)
        let scores = order.map { category in (category, found.filter { table[category]?.contains($0) ?? false }.count) }
        guard let top = scores.map(\.1).max(), top > 0 else { return nil }
        let winners = scores.filter { $0.1 == top }
        return winners.count == 1 ? winners[0].0 : nil
    }
}
