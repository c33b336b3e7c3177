/// The Prometheus text exposition format, version 0.0.4: each family's HELP and TYPE lines,
/// then its samples, one a line. Label values are escaped as the format asks (backslash, double
/// quote, line feed), so a label can never end early or start a line of its own.
struct MetricsText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    private(set) var text = ""

    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String>, _ value: Double) {
        sample(name, labels.map { ($0.key, $0.value) }, Self.number(value))
    }

    mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String>, _ value: UInt64) {
        sample(name, labels.map { ($0.key, $0.value) }, String(value))
    }

    mutating func sample(_ name: String, _ value: Double) { sample(name, [], Self.number(value)) }

    mutating func sample(_ name: String, _ value: UInt64) { sample(name, [], String(value)) }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + value + "\n"
    }

    /// A gauge family with one sample and no labels.
    mutating func gauge(_ name: String, _ help: String, _ value: Double) {
        family(name, "gauge", help)
        sample(name, value)
    }

    /// Whole numbers without a fraction, the rest as Swift prints them (which the format reads).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
