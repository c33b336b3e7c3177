import Domain
import Foundation
import Postgres

/// The `reports` table: people report content (`file`), admins work through the queue (`queue`,
/// `reports(of:)`) and resolve or dismiss every open report of one thing at once (`close`).
/// Reporters are shown to admins only.
enum ReportStore {
    /// What is being reported, copied at the time of the report.
    struct Draft {
        let subject: ReportSubject
        let subjectID: String
        var roomID: String? = nil
        var roomCode: String? = nil
        var authorID: String? = nil
        var authorSeat: String? = nil
        let authorName: String
        let excerpt: String
    }

    /// One thing in the queue, with how many reports it has.
    struct Case {
        let latestID: Int
        let subject: ReportSubject
        let subjectID: String
        let reports: Int
        let reporters: Int
        let latestAt: String
        let reasons: [ReportReason]
        let excerpt: String
        let authorName: String
        let roomCode: String?
        let status: ReportStatus
    }

    /// One report, as an admin reads it.
    struct Report {
        let id: Int
        let subject: ReportSubject
        let subjectID: String
        let roomID: String?
        let roomCode: String?
        let authorID: String?
        let authorSeat: String?
        let authorName: String
        let excerpt: String
        let reporterID: String?
        let reporterName: String?
        let reason: ReportReason
        let details: String
        let at: String
        let status: ReportStatus
        let resolvedBy: String?
        let action: ReportAction?
        let note: String
    }

    /// Files a report; reporting the same thing again while it is open changes nothing.
    static func file(_ draft: Draft, by reporterID: String, reason: ReportReason, details: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO reports (subject, subject_id, room_id, room_code, author_id, author_seat, author_name, excerpt, reporter_id, reason, details)
            VALUES ($1, $2, $3::uuid, $4, $5::uuid, $6::uuid, $7, $8, $9, $10, $11)
            ON CONFLICT (reporter_id, subject, subject_id) WHERE status = 'open' DO NOTHING
            """,
            [
                draft.subject.rawValue, draft.subjectID, draft.roomID, draft.roomCode, draft.authorID, draft.authorSeat,
                String(draft.authorName.prefix(100)), String(draft.excerpt.prefix(4000)), reporterID, reason.rawValue, details,
            ])
    }

    static func openCount(database: PostgresPool) throws -> Int {
        try database.query("SELECT count(*) FROM reports WHERE status = 'open'").first?.int(0) ?? 0
    }

    /// Open (or closed: resolved and dismissed) things, a row per reported thing, newest or
    /// most reported first.
    static func queue(open: Bool, order: ReportOrder, limit: Int, offset: Int, database: PostgresPool) throws -> [Case] {
        try database.query(
            """
            SELECT max(id), subject, subject_id, count(*), count(DISTINCT reporter_id),
                   to_char(max(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), string_agg(DISTINCT reason, ','),
                   (array_agg(excerpt ORDER BY id DESC))[1], (array_agg(author_name ORDER BY id DESC))[1],
                   (array_agg(room_code ORDER BY id DESC))[1], (array_agg(status ORDER BY id DESC))[1]
            FROM reports WHERE (status = 'open') = $1
            GROUP BY subject, subject_id
            ORDER BY CASE WHEN $2 THEN count(DISTINCT reporter_id) END DESC NULLS LAST, max(id) DESC
            LIMIT $3 OFFSET $4
            """, [open, order == .most, limit, offset]
        ).map {
            Case(
                latestID: $0.int(0), subject: ReportSubject(rawValue: $0.string(1)) ?? .profile, subjectID: $0.string(2), reports: $0.int(3),
                reporters: $0.int(4), latestAt: $0.string(5),
                reasons: $0.string(6).split(separator: ",").compactMap { ReportReason(rawValue: String($0)) }, excerpt: $0.string(7),
                authorName: $0.string(8), roomCode: $0[9], status: ReportStatus(stored: $0.string(10)))
        }
    }

    /// One row of the view `report_rows` (migration 035), in its column order.
    private static func report(_ row: PostgresRow) -> Report {
        Report(
            id: row.int(0), subject: ReportSubject(rawValue: row.string(1)) ?? .profile, subjectID: row.string(2), roomID: row[3],
            roomCode: row[4], authorID: row[5], authorSeat: row[6], authorName: row.string(7), excerpt: row.string(8), reporterID: row[9],
            reporterName: row[10], reason: ReportReason(rawValue: row.string(11)) ?? .other, details: row.string(12), at: row.string(13),
            status: ReportStatus(stored: row.string(14)), resolvedBy: row[15], action: row[16].flatMap(ReportAction.init(rawValue:)),
            note: row.string(17))
    }

    static func find(_ id: String, database: PostgresPool) throws -> Report? {
        guard id.count <= 18, let number = Int(id), number > 0 else { return nil }
        return try database.query("SELECT * FROM report_rows WHERE id = $1", [number])
            .first.map(report)
    }

    /// Every report of one thing, newest first.
    static func reports(of subject: ReportSubject, _ subjectID: String, database: PostgresPool) throws -> [Report] {
        try database.query(
            """
            SELECT * FROM report_rows WHERE subject = $1 AND subject_id = $2 ORDER BY id DESC LIMIT 200
            """, [subject.rawValue, subjectID]
        ).map(report)
    }

    /// Reports about things an account wrote (`against`), or that it filed, newest first.
    static func reports(against userID: String, limit: Int, database: PostgresPool) throws -> [Report] {
        try database.query(
            "SELECT * FROM report_rows WHERE author_id = $1 ORDER BY id DESC LIMIT $2",
            [userID, limit]
        ).map(report)
    }

    static func reports(by userID: String, limit: Int, database: PostgresPool) throws -> [Report] {
        try database.query(
            "SELECT * FROM report_rows WHERE reporter_id = $1 ORDER BY id DESC LIMIT $2",
            [userID, limit]
        ).map(report)
    }

    /// Marks every open report of the thing resolved (with `action`) or dismissed; the number
    /// closed, 0 when another admin got there first. Locks them, so two admins cannot both act.
    static func close(
        _ subject: ReportSubject, _ subjectID: String, as status: ReportStatus, action: ReportAction?, note: ModerationReason,
        by actor: CurrentUser, on conn: PostgresConnection
    ) throws -> Int {
        let open = try conn.query(
            "SELECT id FROM reports WHERE subject = $1 AND subject_id = $2 AND status = 'open' ORDER BY id FOR UPDATE", [subject.rawValue, subjectID]
        ).count
        guard open > 0 else { return 0 }
        try conn.query(
            """
            UPDATE reports SET status = $3, resolved_at = now(), resolved_by = $4, resolved_name = $5, action = $6, note = $7
            WHERE subject = $1 AND subject_id = $2 AND status = 'open'
            """, [subject.rawValue, subjectID, status.rawValue, actor.id, actor.username, action?.rawValue, note.value])
        return open
    }
}
