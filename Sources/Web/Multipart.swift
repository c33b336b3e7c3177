import Foundation

/// A `multipart/form-data` body (RFC 7578), parsed from memory with limits on parts and
/// header sizes. Anything malformed is a 400 that says what was wrong.
public struct MultipartPart: Sendable, Equatable {
    public let name: String
    public let filename: String?
    public let contentType: String?
    public let body: [UInt8]
}

public enum Multipart {
    public static let maxParts = 50
    static let maxHeaderBytes = 2048

    /// The boundary parameter of a Content-Type header, or nil when absent or invalid.
    public static func boundary(fromContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for param in parts.dropFirst() {
            guard let eq = param.firstIndex(of: "=") else { continue }
            let key = param[..<eq].lowercased()
            var value = String(param[param.index(after: eq)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            if key == "boundary", (1...70).contains(value.utf8.count), !value.utf8.contains(where: { $0 < 32 || $0 > 126 }) {
                return value
            }
        }
        return nil
    }

    public static func parse(_ body: [UInt8], boundary: String) throws -> [MultipartPart] {
        let delimiter = Array(("--" + boundary).utf8)
        let crlf: [UInt8] = [13, 10]
        guard var position = find(delimiter, in: body, from: 0) else {
            throw ClientError.badRequest("The upload is malformed: its boundary never appears.")
        }
        var parts: [MultipartPart] = []
        while true {
            position += delimiter.count
            // "--" after a delimiter closes the body.
            if body.count >= position + 2, body[position] == 45, body[position + 1] == 45 { return parts }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else {
                throw ClientError.badRequest("The upload is malformed: a boundary is not followed by a line break.")
            }
            position += 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: position), headerEnd - position <= maxHeaderBytes else {
                throw ClientError.badRequest("The upload is malformed: a part's headers are missing or too long.")
            }
            let headers = try parseHeaders(Array(body[position..<headerEnd]))
            let contentStart = headerEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: contentStart) else {
                throw ClientError.badRequest("The upload is malformed: a part is never closed.")
            }
            if parts.count >= maxParts { throw ClientError.badRequest("The upload has more than \(maxParts) parts.") }
            parts.append(
                MultipartPart(
                    name: headers.name, filename: headers.filename, contentType: headers.contentType,
                    body: Array(body[contentStart..<next])))
            position = next + 2
        }
    }

    private static func parseHeaders(_ bytes: [UInt8]) throws -> (name: String, filename: String?, contentType: String?) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ClientError.badRequest("The upload is malformed: a part header is not UTF-8.")
        }
        var name: String? = nil
        var filename: String? = nil
        var contentType: String? = nil
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            guard !line.contains("\r"), !line.contains("\n") else {
                throw ClientError.badRequest("The upload is malformed: a stray line break in a part header.")
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw ClientError.badRequest("The upload is malformed: a part header has no colon.")
            }
            let key = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if key == "content-disposition" {
                let params = dispositionParameters(value)
                guard params.kind == "form-data", let n = params.values["name"] else {
                    throw ClientError.badRequest("The upload is malformed: a part is not named form-data.")
                }
                name = n
                filename = params.values["filename"]
            } else if key == "content-type" {
                contentType = value
            }
        }
        guard let name else { throw ClientError.badRequest("The upload is malformed: a part has no Content-Disposition.") }
        return (name, filename, contentType)
    }

    private static func dispositionParameters(_ value: String) -> (kind: String, values: [String: String]) {
        var values: [String: String] = [:]
        var kind = ""
        var rest = Substring(value)
        var first = true
        while !rest.isEmpty {
            let segmentEnd = nextSemicolon(in: rest)
            let segment = rest[..<segmentEnd].trimmingSpaces
            rest = segmentEnd < rest.endIndex ? rest[rest.index(after: segmentEnd)...] : ""
            if first {
                kind = segment.lowercased()
                first = false
                continue
            }
            guard let eq = segment.firstIndex(of: "=") else { continue }
            var v = String(segment[segment.index(after: eq)...])
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 {
                v = String(v.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            values[segment[..<eq].lowercased()] = v
        }
        return (kind, values)
    }

    /// The next ';' outside double quotes.
    private static func nextSemicolon(in text: Substring) -> Substring.Index {
        var quoted = false
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "\"" { quoted.toggle() } else if text[i] == ";" && !quoted { return i }
            i = text.index(after: i)
        }
        return text.endIndex
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
