import Foundation
import Sodium

/// Avatar files: the type is read from the bytes (never from the name or Content-Type), the
/// file is written under a random name outside Public/ and renamed into place before the row
/// points at it, and it is served with headers that keep a browser from treating it as a page.
enum Avatars {
    static let maxBytes = 1 << 20

    enum Kind: String {
        case png = "image/png", jpeg = "image/jpeg", webp = "image/webp"
        var fileExtension: String { self == .png ? "png" : self == .jpeg ? "jpg" : "webp" }
    }

    /// The image type, or nil for anything else (HTML, SVG, text, truncated headers).
    static func sniff(_ bytes: [UInt8]) -> Kind? {
        if bytes.count >= 33, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            Array(bytes[12..<16]) == Array("IHDR".utf8)
        {
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
            let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            return width > 0 && height > 0 && width <= 8192 && height <= 8192 ? .png : nil
        }
        if bytes.count >= 4, bytes.starts(with: [0xFF, 0xD8, 0xFF]), bytes.suffix(2) == [0xFF, 0xD9] {
            return .jpeg
        }
        if bytes.count >= 16, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WEBP".utf8),
            ["VP8 ", "VP8L", "VP8X"].contains(String(decoding: bytes[12..<16], as: UTF8.self))
        {
            let declared = bytes[4..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
            return declared + 8 <= bytes.count ? .webp : nil
        }
        return nil
    }

    /// Writes the file and returns its name.
    static func store(_ bytes: [UInt8], kind: Kind, services: Services) throws -> String {
        let name = Base64URL.encode(Sodium.randomBytes(18)) + "." + kind.fileExtension
        let directory = services.config.uploadsDirectory
        let temporary = directory + "/.tmp-" + name
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw StorageFull()
        }
        guard rename(temporary, directory + "/" + name) == 0 else {
            unlink(temporary)
            throw StorageFull()
        }
        return name
    }

    struct StorageFull: Error {}

    /// Only names `store` makes reach the file system (the column has the same CHECK).
    static func isStoredName(_ file: String) -> Bool {
        file.range(of: "^[A-Za-z0-9_-]{22,64}\\.(png|jpg|webp)$", options: .regularExpression) != nil
    }

    static func read(_ file: String, services: Services) -> [UInt8]? {
        guard isStoredName(file) else { return nil }
        return FileManager.default.contents(atPath: services.config.uploadsDirectory + "/" + file).map { Array($0) }
    }

    static func remove(_ file: String, services: Services) {
        guard isStoredName(file) else { return }
        unlink(services.config.uploadsDirectory + "/" + file)
    }
}
