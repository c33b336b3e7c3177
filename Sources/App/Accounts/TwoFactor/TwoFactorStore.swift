import Domain
import Postgres

/// Admins' second factor in PostgreSQL: `admin_second_factors`, `admin_recovery_codes` and
/// `sessions.second_factor_at` (migration 032).
struct TwoFactorStore {
    let database: PostgresPool

    /// Wrong codes an account may send per window, counted in PostgreSQL whatever Redis does.
    static let failureLimit = 20
    static let failureWindow = 15 * 60

    struct Enrolment {
        let sealedSecret: [UInt8]
        let lastUsedStep: Int64
        /// Seconds until codes are taken again, when the account sent `failureLimit` wrong ones.
        let lockedFor: Int?
    }

    /// What a recovery code did.
    enum RecoveryUse { case accepted, alreadyUsed, unknown }

    /// The account's enrolled secret (sealed) and its last accepted step; nil before enrolment.
    func enrolment(userID: String) throws -> Enrolment? {
        try database.query(
            """
            SELECT secret_sealed, last_used_step,
                   CASE WHEN recent_failures >= $2 AND failures_since > now() - make_interval(secs => $3)
                        THEN ceil(extract(epoch FROM failures_since + make_interval(secs => $3) - now()))::int END
            FROM admin_second_factors WHERE user_id = $1
            """, [userID, Self.failureLimit, Self.failureWindow]
        ).first.map {
            Enrolment(sealedSecret: $0.bytes(0), lastUsedStep: Int64($0.string(1)) ?? .max, lockedFor: $0[2].flatMap { Int($0) })
        }
    }

    /// Counts a refused code against the account's window (a new window once the last one is over).
    func noteFailure(userID: String) throws {
        try database.query(
            """
            UPDATE admin_second_factors SET
                recent_failures = CASE WHEN failures_since > now() - make_interval(secs => $2) THEN recent_failures + 1 ELSE 1 END,
                failures_since = CASE WHEN failures_since > now() - make_interval(secs => $2) THEN failures_since ELSE now() END
            WHERE user_id = $1
            """, [userID, Self.failureWindow])
    }

    /// Enrols the account with its first accepted code's step and recovery codes, and marks this
    /// session as having passed. False (nothing written) when it was enrolled meanwhile.
    func enrol(userID: String, sealedSecret: [UInt8], step: Int64, recoveryHashes: [[UInt8]], sessionHash: [UInt8]) throws -> Bool {
        try database.transaction { conn in
            let inserted = try conn.query(
                """
                INSERT INTO admin_second_factors (user_id, secret_sealed, last_used_step) VALUES ($1, $2, $3)
                ON CONFLICT (user_id) DO NOTHING RETURNING 1
                """, [userID, ByteA(sealedSecret), step])
            guard inserted.count == 1 else { return false }
            try Self.replaceRecoveryCodes(userID: userID, hashes: recoveryHashes, on: conn)
            try Self.markPassed(userID: userID, sessionHash: sessionHash, on: conn)
            return true
        }
    }

    /// Takes `step` as the last used one and marks the session, unless a code of that step or a
    /// later one was accepted meanwhile (two tabs, or a replay racing the real code): false then.
    func accept(step: Int64, userID: String, sessionHash: [UInt8]) throws -> Bool {
        try database.transaction { conn in
            let moved = try conn.query(
                """
                UPDATE admin_second_factors SET last_used_step = $2, recent_failures = 0
                WHERE user_id = $1 AND last_used_step < $2 RETURNING 1
                """, [userID, step])
            guard moved.count == 1 else { return false }
            try Self.markPassed(userID: userID, sessionHash: sessionHash, on: conn)
            return true
        }
    }

    /// Uses a recovery code once (the UPDATE's condition makes a second use fail, concurrent or not)
    /// and marks the session when it was good.
    func useRecoveryCode(hash: [UInt8], userID: String, sessionHash: [UInt8]) throws -> RecoveryUse {
        try database.transaction { conn in
            let used = try conn.query(
                "UPDATE admin_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1",
                [userID, ByteA(hash)])
            if used.count == 1 {
                try Self.markPassed(userID: userID, sessionHash: sessionHash, on: conn)
                return .accepted
            }
            let known = try conn.query("SELECT 1 FROM admin_recovery_codes WHERE user_id = $1 AND code_hash = $2", [userID, ByteA(hash)])
            return known.count == 1 ? .alreadyUsed : .unknown
        }
    }

    /// Replaces every recovery code of the account (used or not) with new ones, once `step`'s
    /// code has been accepted (false, nothing changed, when it was taken meanwhile).
    func regenerate(userID: String, step: Int64, hashes: [[UInt8]]) throws -> Bool {
        try database.transaction { conn in
            let moved = try conn.query(
                "UPDATE admin_second_factors SET last_used_step = $2 WHERE user_id = $1 AND last_used_step < $2 RETURNING 1",
                [userID, step])
            guard moved.count == 1 else { return false }
            try Self.replaceRecoveryCodes(userID: userID, hashes: hashes, on: conn)
            return true
        }
    }

    /// The account's sessions pass the second factor again before admin pages work: when it is
    /// reset, and when the admin role is taken (granted again, an old session is not an admin's).
    static func forgetPassed(userID: String, on conn: PostgresConnection) throws {
        try conn.query("UPDATE sessions SET second_factor_at = NULL WHERE user_id = $1", [userID])
    }

    /// Recovery codes not used yet.
    func unusedRecoveryCodes(userID: String) throws -> Int {
        try database.query("SELECT count(*) FROM admin_recovery_codes WHERE user_id = $1 AND used_at IS NULL", [userID]).first?.int(0) ?? 0
    }

    /// Forgets the account's second factor and what its sessions passed (`pomopomo admin
    /// reset-two-factor`, for an admin who lost both their device and their codes). False when
    /// the account has no second factor.
    static func reset(userID: String, on conn: PostgresConnection) throws -> Bool {
        try forgetPassed(userID: userID, on: conn)
        try conn.query("DELETE FROM admin_recovery_codes WHERE user_id = $1", [userID])
        return try conn.query("DELETE FROM admin_second_factors WHERE user_id = $1 RETURNING 1", [userID]).count == 1
    }

    private static func replaceRecoveryCodes(userID: String, hashes: [[UInt8]], on conn: PostgresConnection) throws {
        try conn.query("DELETE FROM admin_recovery_codes WHERE user_id = $1", [userID])
        try conn.query(
            "INSERT INTO admin_recovery_codes (user_id, code_hash) SELECT $1, decode(h, 'hex') FROM unnest($2::text[]) h",
            [userID, PostgresArray.text(hashes.map(Self.hex))])
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    private static func markPassed(userID: String, sessionHash: [UInt8], on conn: PostgresConnection) throws {
        try conn.query(
            "UPDATE sessions SET second_factor_at = now() WHERE id_hash = $1 AND user_id = $2", [ByteA(sessionHash), userID])
    }
}
