import App
import ArgumentParser

// The command line only: each command's work, from reading the configuration on, is in App
// (Sources/App/Commands/).

struct Pomopomo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pomopomo: shared focus rooms. Configured by POMOPOMO_* environment variables (see README.md).",
        subcommands: [
            Serve.self, Migrate.self, CleanRooms.self, Admin.self, Leaderboards.self, SendTestMail.self, Achievements.self, Stats.self, Journal.self,
            Library.self, Backup.self, Restore.self,
        ])
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Answer FastCGI requests from nginx on POMOPOMO_SOCKET.")
    @Option(help: "The socket to listen on, instead of POMOPOMO_SOCKET (a path, or host:port).") var socket: String?
    func run() throws { try exitingWithStatus { try ServeCommand.run(socket: socket) } }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Back up the database (pg_dump, custom format) and POMOPOMO_UPLOADS into a new dated directory under --to, then print where. Safe while serving."
    )
    @Option(help: "The directory the dated backup directory is made in.") var to = "backups"
    func run() throws { try exitingWithStatus { try BackupCommand.run(to: to) } }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Restore a backup made by `backup` into an empty database and an empty POMOPOMO_UPLOADS, then apply newer migrations. Refuses anything not empty."
    )
    @Argument(help: "The backup's directory (pomopomo-YYYYMMDD-HHMMSSZ).") var directory: String
    @Option(help: "A libpq conninfo to restore into instead of POMOPOMO_DATABASE_URL's database.") var database: String?
    func run() throws { try exitingWithStatus { try RestoreCommand.run(backup: directory, database: database) } }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations, then exit.")
    func run() throws { try exitingWithStatus { try MigrateCommand.run() } }
}

struct CleanRooms: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean-rooms",
        abstract: "Fold expired rooms into the daily statistics, delete them and their Redis keys, then exit. Safe to run twice or concurrently.")
    func run() throws { try exitingWithStatus { try CleanRoomsCommand.run() } }
}

struct SendTestMail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test-mail",
        abstract: "Send one mail to ADDRESS with the configured POMOPOMO_SMTP_* settings, to check them. Exit 1 with the reason when it fails.")
    @Argument(help: "Where to send it.") var address: String
    func run() throws { try exitingWithStatus { try SendTestMailCommand.run(address: address) } }
}

struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Grant or revoke the ADMIN role, or reset an admin's second factor. There is no default admin: granting is the only way to make the first one.",
        subcommands: [Grant.self, Revoke.self, ResetTwoFactor.self])

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the account with this email an admin.")
        @Argument(help: "The account's email address.") var email: String
        func run() throws { try exitingWithStatus { try AdminCommand.grant(email: email) } }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the account with this email an ordinary user again.")
        @Argument(help: "The account's email address.") var email: String
        func run() throws { try exitingWithStatus { try AdminCommand.revoke(email: email) } }
    }

    struct ResetTwoFactor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-two-factor",
            abstract: "Forget an admin's second factor (lost device and recovery codes); they set it up again at the next admin page.")
        @Argument(help: "The account's email address.") var email: String
        func run() throws { try exitingWithStatus { try AdminCommand.resetTwoFactor(email: email) } }
    }
}

struct Leaderboards: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the leaderboards (Redis sorted sets mirroring PostgreSQL).", subcommands: [Rebuild.self])

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Recompute every board from PostgreSQL and swap them in at once, then print a summary line. The serve jobs do this by themselves after a Redis flush or outage."
        )
        func run() throws { try exitingWithStatus { try LeaderboardsCommand.rebuild() } }
    }
}

struct Achievements: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Achievements.", subcommands: [Backfill.self])

    struct Backfill: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Award every achievement rule to every account that meets it, from the focus ledger (a rule added later needs only this), then print how many were new. Safe to run twice or while serving."
        )
        func run() throws { try exitingWithStatus { try AchievementsCommand.backfill() } }
    }
}

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Focus stats kept from the ledger.", subcommands: [Rebuild.self])

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the tallies (user_stats) from the focus ledger: one account, or every account with credit. Safe while serving.")
        @Option(name: .customLong("user"), help: "Only this account (its id).") var user: String?
        func run() throws { try exitingWithStatus { try StatsCommand.rebuild(userID: user) } }
    }
}

struct Journal: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The focus journal.", subcommands: [Rebuild.self, Transcribe.self])

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Recompute the journal's days, sessions, interruptions, breaks and voice notes from its events: one account, or all. Safe while serving."
        )
        @Option(name: .customLong("user"), help: "Only this account (its id).") var user: String?
        func run() throws { try exitingWithStatus { try JournalCommand.rebuild(userID: user) } }
    }

    struct Transcribe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the words spoken in an audio file, as voice notes are transcribed (ffmpeg to 16 kHz mono, then pocketsphinx or POMOPOMO_TRANSCRIBE_COMMAND). Needs no database."
        )
        @Argument(help: "The audio file (any format ffmpeg reads).") var file: String
        func run() throws { try exitingWithStatus { try TranscribeCommand.run(file: file) } }
    }
}

struct Library: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The self-hosted music library.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add an audio file (MP3, Ogg Vorbis, Opus, FLAC or M4A/AAC) to the library, with the same checks as an admin's upload; print its id."
        )
        @Argument(help: "The audio file.") var file: String
        @Option(help: "The title (default: the file's tag, else its name).") var title = ""
        @Option(help: "The artist (default: the file's tag).") var artist = ""
        @Option(help: "The album (default: the file's tag).") var album = ""
        @Flag(help: "Do nothing when a library track with this --title and --artist exists.") var ifMissing = false
        func run() throws {
            try exitingWithStatus { try LibraryCommand.add(path: file, title: title, artist: artist, album: album, ifMissing: ifMissing) }
        }
    }
}

/// App's commands have already said why they stopped; ArgumentParser only needs the status.
func exitingWithStatus(_ command: () throws -> Void) throws {
    do {
        try command()
    } catch let exit as CommandExit {
        throw ExitCode(exit.status)
    }
}

Pomopomo.main()
