import Domain
import Postgres

/// Completing or reopening a private task from its list, with its copies in rooms ("add from my
/// tasks"): one transaction locks the rooms holding copies (before the task, the order a room's
/// own toggle takes them in, so the two cannot deadlock), changes the task, ticks the copies and
/// bumps each room's version; the caller announces the rooms after the commit.
enum PrivateTaskCompletion {
    /// Returns the rooms to wake. Reopening counts against the open-task limit.
    static func set(_ id: String, done: Bool, userID: String, database: PostgresPool) throws -> [(channel: String, version: Int)] {
        try database.transaction { conn in
            try RoomStore.lock(ids: try TaskStore.roomsWithCopies(of: id, userID: userID, on: conn), on: conn)
            if !done {
                try PrivateTaskStore.lockOwner(userID, on: conn)
                if try PrivateTaskStore.openCount(userID: userID, on: conn) >= PrivateTaskLimits.openTasks,
                    try PrivateTaskStore.isDone(id, userID: userID, on: conn) == true
                {
                    throw PrivateTaskRefusal.tooManyOpen
                }
            }
            guard try PrivateTaskStore.setDone(id, userID: userID, done: done, on: conn) else { throw PrivateTaskRefusal.notFound }
            var parts: [String: Set<RoomPart>] = [:]
            for copy in try TaskStore.followPrivateTask(id, done: done, on: conn) {
                parts[copy.roomID, default: []].formUnion(TaskStore.parts(public: copy.isPublic))
            }
            return try parts.sorted { $0.key < $1.key }.map { room, changed in
                ("room:\(room)", try RoomStore.bump(room, parts: changed, on: conn))
            }
        }
    }
}
