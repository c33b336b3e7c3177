/// One shelf of the music home page: a heading and the tracks of one search. The home page's
/// shelves (`home:shelves`) are built from these searches, each also cached as `search:{query}`.
struct CatalogueShelf: Codable, Sendable, Equatable {
    let title: String
    let query: String
    let entries: [CatalogueEntry]

    /// Music to focus to: what a focus room plays most.
    static let home: [(title: String, query: String)] = [
        ("Lo-fi to focus", "lofi hip hop beats"),
        ("Calm piano", "calm piano"),
        ("Ambient", "ambient music"),
        ("Jazz for work", "jazz for work"),
    ]

    /// Tracks shown per shelf.
    static let size = 8
}
