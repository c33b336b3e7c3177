import Domain
import Foundation
import Postgres

/// The live rooms as admins list them: size, age, people online and open reports, filtered and
/// sorted in PostgreSQL (the counts use the participants' and reports' room indexes).
struct AdminRoomDirectory {
    let database: PostgresPool

    enum Order: String, CaseIterable {
        case size, newest, reports
    }

    struct Filter {
        /// At least this many people in the room.
        var minSize: Int? = nil
        /// Opened at most this many hours ago.
        var maxAgeHours: Int? = nil
        /// Only rooms with open reports.
        var reported = false
        var order = Order.size
    }

    struct Listed {
        let code: String
        let createdAt: Double
        let status: RoomStatus
        let size: Int
        let online: Int
        let reports: Int
        let host: String
    }

    func list(_ filter: Filter, limit: Int, offset: Int) throws -> [Listed] {
        try database.query(
            """
            SELECT code, created, status, size, online, reports, host FROM (
                SELECT r.code, extract(epoch FROM r.created_at)::float8 AS created, r.status, r.created_at,
                       (SELECT count(*) FROM participants p WHERE p.room_id = r.id) AS size,
                       (SELECT count(*) FROM participants p WHERE p.room_id = r.id
                          AND p.last_seen_at > now() - make_interval(secs => $1)) AS online,
                       (SELECT count(*) FROM reports x WHERE x.room_id = r.id AND x.status = 'open') AS reports,
                       coalesce((SELECT display_name FROM participants p WHERE p.room_id = r.id AND p.role = 'host' LIMIT 1), '') AS host
                FROM rooms r WHERE r.expires_at > now()
                  AND ($2::int IS NULL OR r.created_at > now() - make_interval(hours => $2::int))) live
            WHERE ($3::int IS NULL OR size >= $3) AND (NOT $4 OR reports > 0)
            ORDER BY CASE $5 WHEN 'size' THEN size WHEN 'reports' THEN reports END DESC NULLS LAST, created_at DESC
            LIMIT $6 OFFSET $7
            """,
            [RoomStore.onlineWindow, filter.maxAgeHours, filter.minSize, filter.reported, filter.order.rawValue, limit, offset]
        ).map {
            Listed(
                code: RoomCode(parsing: $0.string(0))?.display ?? $0.string(0), createdAt: Double($0.string(1)) ?? 0,
                status: RoomStatus(stored: $0.string(2)), size: $0.int(3), online: $0.int(4), reports: $0.int(5), host: $0.string(6))
        }
    }

    /// Open reports about things in the room (its id), newest first.
    func openReports(roomID: String) throws -> [(id: Int, subject: ReportSubject, author: String, excerpt: String)] {
        try database.query(
            "SELECT id, subject, author_name, excerpt FROM reports WHERE room_id = $1 AND status = 'open' ORDER BY id DESC LIMIT 50",
            [roomID]
        ).map { ($0.int(0), ReportSubject(rawValue: $0.string(1)) ?? .room, $0.string(2), $0.string(3)) }
    }
}
