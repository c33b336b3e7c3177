/// The values one level of a template sees, by name. Kept as a short array searched by hash: a
/// context holds a few dozen names at most, and a scan of their hashes is cheaper than the
/// hashing a Dictionary does on every set and every lookup.
public struct TemplateContext: Sendable, ExpressibleByDictionaryLiteral {
    struct Entry: Sendable {
        let key: TemplateKey
        var value: TemplateValue
    }

    private var entries: [Entry]

    public init(_ values: [String: TemplateValue] = [:]) {
        entries = []
        entries.reserveCapacity(values.count)
        for (key, value) in values { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (key, value) in elements { set(TemplateKey(key), value) }
    }

    /// Every name and its value (for tests and tools; pages use the subscript).
    public var values: [String: TemplateValue] {
        var values: [String: TemplateValue] = [:]
        for entry in entries { values[entry.key.name] = entry.value }
        return values
    }

    public subscript(key: String) -> TemplateValue? {
        get { self[TemplateKey(key)] }
        set {
            if let newValue {
                set(TemplateKey(key), newValue)
            } else if let place = place(of: TemplateKey(key)) {
                entries.remove(at: place)
            }
        }
    }

    subscript(key: TemplateKey) -> TemplateValue? {
        guard let place = place(of: key) else { return nil }
        return entries[place].value
    }

    public mutating func merge(_ other: TemplateContext) {
        for entry in other.entries { set(entry.key, entry.value) }
    }

    private mutating func set(_ key: TemplateKey, _ value: TemplateValue) {
        if let place = place(of: key) {
            entries[place].value = value
        } else {
            entries.append(Entry(key: key, value: value))
        }
    }

    private func place(of key: TemplateKey) -> Int? {
        entries.withUnsafeBufferPointer { entries in
            for place in entries.indices where entries[place].key.hash == key.hash && entries[place].key.name == key.name {
                return place
            }
            return nil
        }
    }
}
