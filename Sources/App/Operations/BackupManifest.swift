import Foundation

/// A backup's MANIFEST: `key value` lines a person can read and `restore` checks.
///
///     format pomopomo-backup 1
///     created 2026-12-03T03:10:00Z
///     migration 030_soundtrack.sql
///     file database.pgdump 123456 <sha256>
///     file uploads.tar 7890 <sha256>
struct BackupManifest: Equatable {
    struct Entry: Equatable {
        let file: String
        let bytes: Int
        let sha256: String
    }

    static let format = "pomopomo-backup 1"
    let created: String
    let migration: String
    let files: [Entry]

    init(created: Date, migration: String, files: [Entry]) {
        self.created = ISO8601DateFormatter().string(from: created)
        self.migration = migration
        self.files = files
    }

    var text: String {
        (["format \(Self.format)", "created \(created)", "migration \(migration)"]
            + files.map { "file \($0.file) \($0.bytes) \($0.sha256)" }).joined(separator: "\n") + "\n"
    }

    /// Reads a MANIFEST; nil when it is not one this version wrote.
    init?(text: String) {
        var fields: [String: String] = [:]
        var files: [Entry] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            if parts[0] == "file" {
                let entry = parts[1].split(separator: " ").map(String.init)
                guard entry.count == 3, let bytes = Int(entry[1]) else { return nil }
                files.append(Entry(file: entry[0], bytes: bytes, sha256: entry[2]))
            } else {
                fields[parts[0]] = parts[1]
            }
        }
        guard fields["format"] == Self.format, let created = fields["created"] else { return nil }
        self.created = created
        migration = fields["migration"] ?? ""
        self.files = files
    }
}

extension BackupManifest.Entry {
    init(file: String, in directory: String, tools: BackupTools) throws {
        let path = directory + "/" + file
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        self.init(file: file, bytes: size, sha256: try tools.sha256(path))
    }
}
