/// Array parameters in PostgreSQL's text form, for statements that take a whole batch as
/// `unnest($1::uuid[], $2::int[], …)`: one statement for 500 rows instead of 500.
public enum PostgresArray {
    /// `{"a","b",NULL}`: every element quoted (so an empty string stays an element), quotes and
    /// backslashes escaped, nil as NULL.
    public static func text(_ values: [String?]) -> String {
        var out = "{"
        for (i, value) in values.enumerated() {
            if i > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            for ch in value {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    public static func text(_ values: [String]) -> String { text(values.map(Optional.some)) }
}
