/// Moving one track of a playlist to another place (the ↑/↓ buttons send the neighbour's
/// place): `to` is 1-based and clamped into the list, so a stale page moves it as far as it can.
public enum PlaylistPosition {
    /// `order` with `id` taken out and put back at place `to`; nil when `id` is not in it.
    public static func move(_ id: String, to: Int, in order: [String]) -> [String]? {
        guard let from = order.firstIndex(of: id) else { return nil }
        var out = order
        out.remove(at: from)
        let index = min(max(to, 1), order.count) - 1
        out.insert(id, at: index)
        return out
    }

    /// A place as the form sends it: digits only, 1…9999; anything else is refused.
    public static func parse(_ raw: String) throws(SoundtrackRefusal) -> Int {
        guard (1...4).contains(raw.utf8.count), raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(raw), n >= 1 else {
            throw .invalid("The place to move the track to is a whole number from 1.")
        }
        return n
    }
}
