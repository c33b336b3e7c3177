import Foundation

/// A name people show in a room. Normalised (NFC, outer spaces trimmed, runs of spaces folded)
/// and refused when it could deceive: control characters, bidirectional overrides and
/// invisible characters.
public struct DisplayName: Hashable, Sendable {
    public static let maxLength = 40
    public let value: String

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case tooLong(max: Int)
        case forbiddenCharacter

        public var description: String {
            switch self {
            case .empty: return "Please choose a display name."
            case .tooLong(let max): return "A display name can be at most \(max) characters long."
            case .forbiddenCharacter: return "A display name cannot contain control, invisible or text-direction characters."
            }
        }
    }

    public init(validating raw: String) throws(Problem) {
        for scalar in raw.unicodeScalars where Self.isForbidden(scalar) {
            throw .forbiddenCharacter
        }
        let folded = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let normalized = folded.precomposedStringWithCanonicalMapping
        if normalized.isEmpty { throw .empty }
        if normalized.count > Self.maxLength { throw .tooLong(max: Self.maxLength) }
        value = normalized
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0B...0x1F, 0x7F...0x9F: return true  // controls (tab/newline fold to spaces)
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F: return true  // zero-width, separators, bidi
        case 0xFEFF, 0xFFF9...0xFFFB: return true  // BOM, interlinear annotations
        case 0xE0000...0xE007F: return true  // tag characters
        default:
            return scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .privateUse
                || scalar.properties.generalCategory == .surrogate || scalar.properties.generalCategory == .unassigned
        }
    }
}
