import Foundation

/// The programs a backup and a restore run (pg_dump, pg_restore, tar, sha256sum), through
/// `ChildProcess` (no shell: paths and the conninfo reach them as single arguments). Each gets
/// PATH, LC_ALL and the libpq variables of our environment (PGPASSWORD, PGSSLMODE…), so a
/// conninfo that relies on them works as it does for the responder.
struct BackupTools {
    /// Where pg_dump and pg_restore are (POMOPOMO_PG_BIN).
    let postgresBin: String
    static let tar = "/usr/bin/tar"
    static let sha256sum = "/usr/bin/sha256sum"
    /// A dump or an archive of a big site takes long; a hung one must still end.
    static let timeLimit: Double = 6 * 3600

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `program`, returning its stdout; throws with its stderr unless it exits with one of `success`.
    @discardableResult
    func run(_ program: String, _ arguments: [String], success: Set<Int32> = [0]) throws -> [UInt8] {
        let outcome = try ChildProcess.run(program, arguments, timeout: Self.timeLimit, outputLimit: 1 << 20, environment: Self.environment())
        guard let status = outcome.status, success.contains(status) else {
            let why = outcome.timedOut ? "ran too long" : outcome.overflowed ? "printed too much" : "failed"
            let said = String(decoding: outcome.stderr.suffix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failed(description: "\((program as NSString).lastPathComponent) \(why): \(said)")
        }
        return outcome.stdout
    }

    func pgDump(conninfo: String, to file: String) throws {
        try run(postgresBin + "/pg_dump", ["--format=custom", "--no-password", "--file=" + file, "--dbname=" + conninfo])
    }

    /// Everything in one transaction: a failure leaves the database as empty as it was.
    func pgRestore(conninfo: String, from file: String) throws {
        try run(postgresBin + "/pg_restore", ["--exit-on-error", "--single-transaction", "--no-password", "--dbname=" + conninfo, file])
    }

    /// GNU tar exits 1 when a file changed or vanished while it was read (a voice note uploaded
    /// or deleted meanwhile): the archive is still whole, and the database decides what is used.
    func archive(directory: String, to file: String) throws {
        try run(Self.tar, ["--create", "--file=" + file, "--directory=" + directory, "."], success: [0, 1])
    }

    func extract(_ file: String, into directory: String) throws {
        try run(Self.tar, ["--extract", "--no-same-owner", "--file=" + file, "--directory=" + directory])
    }

    func sha256(_ file: String) throws -> String {
        let out = String(decoding: try run(Self.sha256sum, ["--binary", file]), as: UTF8.self)
        return String(out.prefix { $0 != " " })
    }

    static func environment() -> [String] {
        var kept = ["PATH=/usr/bin:/bin", "LC_ALL=C"]
        for (name, value) in ProcessInfo.processInfo.environment where name.hasPrefix("PG") || name == "HOME" {
            kept.append(name + "=" + value)
        }
        return kept
    }
}
