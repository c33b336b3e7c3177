import Domain
import Foundation
import Postgres

/// SQL for `private_task_lists` and `private_tasks`: each account's own lists. Every statement
/// names the owner (`user_id = $…`), so someone else's id is simply not found; the tasks' key to
/// their list includes the owner too, so a task can only ever sit in one of its owner's lists.
struct PrivateTaskStore {
    let database: PostgresPool

    /// A task due today or overdue, for the /me dashboard.
    struct Due: Sendable {
        let id: String
        let listID: String
        let listName: String
        let title: String
        let due: LocalDate
        let state: DueState
    }

    /// Tasks due on `today` or before it, not done, oldest due date first (then in list order),
    /// at most `limit`. `today` is the owner's day (`PrivateTaskStore.today`); the /me dashboard
    /// calls this. One indexed statement (`private_tasks_open_due_idx`).
    func dueSoon(userID: String, today: LocalDate, limit: Int) throws -> [Due] {
        guard UUID(uuidString: userID) != nil else { return [] }
        return try database.query(
            """
            SELECT t.id, t.list_id, l.name, t.title, t.due_on::text
            FROM private_tasks t JOIN private_task_lists l ON l.id = t.list_id AND l.user_id = t.user_id
            WHERE t.user_id = $1 AND NOT t.done AND t.due_on <= $2::date
            ORDER BY t.due_on, l.position, t.position LIMIT $3
            """, [userID, today.iso, max(0, limit)]
        ).compactMap { row in
            guard let due = LocalDate(iso: row.string(4)) else { return nil }
            return Due(
                id: row.string(0), listID: row.string(1), listName: row.string(2), title: row.string(3), due: due,
                state: DueState(due: due, today: today))
        }
    }

    /// The owner's day now, in their zone (`users.timezone`; UTC if it is not a zone we know).
    static func today(timezone: String, at instant: Date) -> LocalDate {
        (DayBoundary(zoneName: timezone) ?? DayBoundary(zone: TimeZone(identifier: "UTC")!)).day(at: instant)
    }

    // MARK: Reading

    /// The account's lists in tab order, each with its counts of open and done tasks.
    func lists(userID: String) throws -> [PrivateTaskList] {
        try database.query(
            """
            SELECT l.id, l.name, count(t.id) FILTER (WHERE NOT t.done), count(t.id) FILTER (WHERE t.done)
            FROM private_task_lists l LEFT JOIN private_tasks t ON t.list_id = l.id AND t.user_id = l.user_id
            WHERE l.user_id = $1
            GROUP BY l.id ORDER BY l.position, l.created_at, l.id
            """, [userID]
        ).map { PrivateTaskList(id: $0.string(0), name: $0.string(1), openCount: $0.int(2), doneCount: $0.int(3)) }
    }

    /// The tasks of one of the account's lists: open ones in their order, then done ones, most
    /// recently done first.
    func tasks(listID: String, userID: String) throws -> [PrivateTask] {
        guard UUID(uuidString: listID) != nil else { return [] }
        return try database.query(
            """
            SELECT id, list_id, title, notes, due_on::text, done, version FROM private_tasks
            WHERE list_id = $1 AND user_id = $2
            ORDER BY done, CASE WHEN done THEN 0 ELSE position END, done_at DESC, created_at, id
            """, [listID, userID]
        ).map(Self.task)
    }

    /// One of the account's tasks; nil when it is not theirs (or does not exist).
    func task(_ id: String, userID: String) throws -> PrivateTask? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try database.query(
            "SELECT id, list_id, title, notes, due_on::text, done, version FROM private_tasks WHERE id = $1 AND user_id = $2",
            [id, userID]
        ).first.map(Self.task)
    }

    /// Open tasks a room's "add from my tasks" offers: the ones due soonest first, then by list
    /// and order.
    func offeredInRoom(userID: String) throws -> [(id: String, title: String, due: LocalDate?)] {
        try database.query(
            """
            SELECT t.id, t.title, t.due_on::text
            FROM private_tasks t JOIN private_task_lists l ON l.id = t.list_id AND l.user_id = t.user_id
            WHERE t.user_id = $1 AND NOT t.done
            ORDER BY t.due_on NULLS LAST, l.position, t.position LIMIT $2
            """, [userID, PrivateTaskLimits.offeredInRoom]
        ).map { ($0.string(0), $0.string(1), $0[2].flatMap(LocalDate.init(iso:))) }
    }

    private static func task(_ row: PostgresRow) -> PrivateTask {
        PrivateTask(
            id: row.string(0), listID: row.string(1), title: row.string(2), notes: row.string(3),
            due: row[4].flatMap(LocalDate.init(iso:)), done: row.bool(5), version: row.int(6))
    }

    // MARK: Limits

    /// Locks the account's row: its counts read in later statements of the transaction are then
    /// exact, so two adds at once (two tabs, two responders) cannot pass a limit together.
    static func lockOwner(_ userID: String, on conn: PostgresConnection) throws {
        try conn.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userID])
    }

    /// Open tasks across the account's lists (after `lockOwner`).
    static func openCount(userID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("SELECT count(*) FROM private_tasks WHERE user_id = $1 AND NOT done", [userID]).first!.int(0)
    }

    /// The account's lists (after `lockOwner`).
    static func listCount(userID: String, on conn: PostgresConnection) throws -> Int {
        try conn.query("SELECT count(*) FROM private_task_lists WHERE user_id = $1", [userID]).first!.int(0)
    }

    /// Whether one of the account's tasks is done; nil when it is not theirs.
    static func isDone(_ id: String, userID: String, on conn: PostgresConnection) throws -> Bool? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query("SELECT done FROM private_tasks WHERE id = $1 AND user_id = $2", [id, userID]).first?.bool(0)
    }

    // MARK: Lists

    /// The first visit's list ("Today"), unless the account has a list already (after `lockOwner`).
    static func addDefaultList(userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            INSERT INTO private_task_lists (user_id, name, position)
            SELECT $1, $2, 0 WHERE NOT EXISTS (SELECT 1 FROM private_task_lists WHERE user_id = $1)
            """, [userID, PrivateTaskLimits.defaultListName])
    }

    /// A new list after the account's others; returns its id.
    static func addList(userID: String, name: String, on conn: PostgresConnection) throws -> String {
        try conn.query(
            """
            INSERT INTO private_task_lists (user_id, name, position)
            SELECT $1, $2, coalesce(max(position) + 1, 0) FROM private_task_lists WHERE user_id = $1
            RETURNING id
            """, [userID, name]
        ).first!.string(0)
    }

    /// Renames one of the account's lists; false when it is not theirs.
    static func renameList(_ id: String, userID: String, name: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        return try conn.query("UPDATE private_task_lists SET name = $3 WHERE id = $1 AND user_id = $2", [id, userID, name]).affectedRows == 1
    }

    /// How many tasks (open or done) one of the account's lists holds, locking the list so none
    /// is added while it is being deleted; nil when it is not theirs.
    static func lockedListSize(_ id: String, userID: String, on conn: PostgresConnection) throws -> Int? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query(
            """
            SELECT (SELECT count(*) FROM private_tasks t WHERE t.list_id = l.id AND t.user_id = l.user_id)
            FROM private_task_lists l WHERE l.id = $1 AND l.user_id = $2 FOR UPDATE
            """, [id, userID]
        ).first?.int(0)
    }

    /// Deletes one of the account's lists and its tasks (the tasks' key cascades; room copies
    /// keep their text and lose their link); false when it is not theirs.
    static func deleteList(_ id: String, userID: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        return try conn.query("DELETE FROM private_task_lists WHERE id = $1 AND user_id = $2", [id, userID]).affectedRows == 1
    }

    // MARK: Tasks

    /// A new open task at the end of one of the account's lists; nil when the list is not theirs.
    static func add(
        userID: String, listID: String, title: String, notes: String, due: LocalDate?, on conn: PostgresConnection
    ) throws -> String? {
        guard UUID(uuidString: listID) != nil else { return nil }
        return try conn.query(
            """
            INSERT INTO private_tasks (user_id, list_id, title, notes, due_on, position)
            SELECT l.user_id, l.id, $3, $4, $5::date,
                   coalesce((SELECT max(t.position) + 1 FROM private_tasks t WHERE t.list_id = l.id), 0)
            FROM private_task_lists l WHERE l.id = $2 AND l.user_id = $1
            RETURNING id
            """, [userID, listID, title, notes, due?.iso]
        ).first?.string(0)
    }

    /// What an edit found: saved, someone else's (or absent), or changed since `version`.
    enum EditOutcome { case saved, notFound, stale }

    /// Saves an edit made on `version` of the task; nothing changes when the task moved on since.
    static func edit(
        _ id: String, userID: String, version: Int, title: String, notes: String, due: LocalDate?, on conn: PostgresConnection
    ) throws -> EditOutcome {
        guard UUID(uuidString: id) != nil else { return .notFound }
        guard
            let row = try conn.query(
                """
                WITH task AS (SELECT id, version FROM private_tasks WHERE id = $1 AND user_id = $2 FOR UPDATE),
                saved AS (
                    UPDATE private_tasks t SET title = $4, notes = $5, due_on = $6::date, version = t.version + 1, updated_at = now()
                    FROM task WHERE t.id = task.id AND task.version = $3 RETURNING t.id)
                SELECT EXISTS (SELECT 1 FROM saved) FROM task
                """, [id, userID, version, title, notes, due?.iso]
            ).first
        else { return .notFound }
        return row.bool(0) ? .saved : .stale
    }

    /// Marks one of the account's tasks done or open again (the order it had is kept); false when
    /// it is not theirs. Done or not already: nothing changes, and it is still found.
    static func setDone(_ id: String, userID: String, done: Bool, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        return try conn.query(
            """
            WITH task AS (SELECT id FROM private_tasks WHERE id = $1 AND user_id = $2 FOR UPDATE),
            changed AS (
                UPDATE private_tasks t SET done = $3, done_at = CASE WHEN $3 THEN now() END, version = t.version + 1, updated_at = now()
                FROM task WHERE t.id = task.id AND t.done <> $3 RETURNING t.id)
            SELECT count(*) FROM task, (SELECT count(*) FROM changed) c
            """, [id, userID, done]
        ).first!.int(0) == 1
    }

    /// Follows a room task copied from a private task ("add from my tasks") that was just ticked
    /// or unticked in its room: the private task takes its state, if it still belongs to the
    /// account of the room task's author.
    static func followRoomCopy(_ privateTaskID: String, roomTaskID: String, done: Bool, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE private_tasks p SET done = $3, done_at = CASE WHEN $3 THEN now() END, version = p.version + 1, updated_at = now()
            FROM tasks t JOIN participants pa ON pa.id = t.participant_id
            WHERE p.id = $1 AND t.id = $2 AND t.private_task_id = p.id AND p.user_id = pa.user_id AND p.done <> $3
            """, [privateTaskID, roomTaskID, done])
    }

    /// The title of one of the account's open tasks, locked against completion until the room's
    /// copy is made (so it cannot be completed in between and leave an open copy); nil when it
    /// is not theirs, or done.
    static func copyable(_ id: String, userID: String, on conn: PostgresConnection) throws -> String? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query("SELECT title FROM private_tasks WHERE id = $1 AND user_id = $2 AND NOT done FOR SHARE", [id, userID]).first?
            .string(0)
    }

    /// Deletes one of the account's tasks; false when it is not theirs.
    static func delete(_ id: String, userID: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: id) != nil else { return false }
        return try conn.query("DELETE FROM private_tasks WHERE id = $1 AND user_id = $2", [id, userID]).affectedRows == 1
    }

    /// Moves one of the account's tasks to the end of another of their lists; false when either
    /// is not theirs.
    static func move(_ id: String, userID: String, toList listID: String, on conn: PostgresConnection) throws -> Bool {
        guard UUID(uuidString: id) != nil, UUID(uuidString: listID) != nil else { return false }
        return try conn.query(
            """
            UPDATE private_tasks t SET list_id = l.id, updated_at = now(), version = t.version + 1,
                position = coalesce((SELECT max(o.position) + 1 FROM private_tasks o WHERE o.list_id = l.id), 0)
            FROM private_task_lists l
            WHERE t.id = $1 AND t.user_id = $2 AND l.id = $3 AND l.user_id = $2
            """, [id, userID, listID]
        ).affectedRows == 1
    }

    /// The list a task of the account's is in and whether it is done, locked for reordering; nil
    /// when it is not theirs.
    static func placeOf(_ id: String, userID: String, on conn: PostgresConnection) throws -> (listID: String, done: Bool)? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try conn.query("SELECT list_id, done FROM private_tasks WHERE id = $1 AND user_id = $2 FOR UPDATE", [id, userID]).first
            .map { ($0.string(0), $0.bool(1)) }
    }

    /// The open tasks of one of the account's lists in their order, locked while they are reordered.
    static func openOrder(listID: String, userID: String, on conn: PostgresConnection) throws -> [String] {
        try conn.query(
            """
            SELECT id FROM private_tasks WHERE list_id = $1 AND user_id = $2 AND NOT done
            ORDER BY position, created_at, id FOR UPDATE
            """, [listID, userID]
        ).map { $0.string(0) }
    }

    /// Gives the account's tasks `ids` the positions 1, 2, 3… in that order.
    static func setOrder(_ ids: [String], userID: String, on conn: PostgresConnection) throws {
        try conn.query(
            """
            UPDATE private_tasks t SET position = o.n
            FROM unnest($2::uuid[]) WITH ORDINALITY AS o (id, n)
            WHERE t.id = o.id AND t.user_id = $1 AND t.position IS DISTINCT FROM o.n
            """, [userID, "{" + ids.joined(separator: ",") + "}"])
    }
}
