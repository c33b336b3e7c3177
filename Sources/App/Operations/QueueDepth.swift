import Postgres

/// Work waiting in one of the job tables: how much is due now, how much waits for a later time
/// (a retry's pause, a lease, a segment still running), and how long the oldest due item has been
/// due (0 when none is). Read by `/metrics` from the store that owns the table, each in one
/// statement on its due index, selecting exactly these three columns.
struct QueueDepth: Sendable, Equatable {
    let due: Int
    let waiting: Int
    let lagSeconds: Double

    init(due: Int, waiting: Int, lagSeconds: Double) {
        self.due = due
        self.waiting = waiting
        self.lagSeconds = lagSeconds
    }

    init(row: PostgresRow?) {
        self.init(due: row?.int(0) ?? 0, waiting: row?.int(1) ?? 0, lagSeconds: row?[2].flatMap(Double.init) ?? 0)
    }
}
