/// The seed's Redis cache table, exactly: the key of each catalogue answer and how long it lives.
public enum CatalogueCacheKey: Sendable, Hashable {
    case search(CatalogueQuery)
    case trending
    case recommendations(PipedID)
    case homeShelves

    public var key: String {
        switch self {
        case .search(let query): return "search:\(query.key)"
        case .trending: return "trending"
        case .recommendations(let id): return "recommendations:\(id.value):v2"
        case .homeShelves: return "home:shelves"
        }
    }

    /// Seconds: search 1 h, trending 2 h, recommendations 1 h, home shelves 1 h.
    public var ttl: Int {
        switch self {
        case .trending: return 7200
        case .search, .recommendations, .homeShelves: return 3600
        }
    }
}
