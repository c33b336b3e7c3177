import Domain
import Foundation
import Postgres

/// Changes to a personal timer's configuration and zone, the same for the JSON API, the
/// settings forms and /settings/preferences: the day is settled under the old rule first
/// (a reset the sweeper has not run yet is an automatic one), then the change is written, and a
/// reset time or zone that puts the timer in a new day resets it with the change's type.
/// Either way the daily-reset task is pointed at the new boundary.
enum TimerConfiguration {
    /// Applies `new` settings; false when they are the ones in force (nothing written).
    static func apply(
        _ timer: inout PersonalTimer, settings new: TimerSettings, now: Date, device: String?, on conn: PostgresConnection
    ) throws -> Bool {
        guard new != timer.settings else { return false }
        let resetMoved = new.resetTime != timer.settings.resetTime
        try TimerConfigurationStore.save(timer.id, new, on: conn)
        timer.settings = new
        if resetMoved {
            try DailyReset.settle(&timer, type: .configurationChange, now: now, device: device, on: conn)
            try DailyReset.reschedule(timer, on: conn)
        }
        return true
    }

    /// Moves the timer to `zone`, writing it where its owner keeps it (the account's one zone,
    /// or the guest's own); false when it is the zone in force.
    static func moveZone(_ timer: inout PersonalTimer, to zone: String, now: Date, device: String?, on conn: PostgresConnection) throws -> Bool {
        guard zone != timer.zone else { return false }
        if let userID = timer.userID {
            try UserStore.setTimezone(userID, zone, on: conn)
        } else {
            try TimerConfigurationStore.setGuestZone(timer.id, zone, on: conn)
        }
        try zoneChanged(&timer, to: zone, now: now, device: device, on: conn)
        return true
    }

    /// After the owner's zone was written to `zone` (here, or by /settings/preferences): the
    /// day in the new zone, and the next reset in it.
    static func zoneChanged(_ timer: inout PersonalTimer, to zone: String, now: Date, device: String?, on conn: PostgresConnection) throws {
        timer.zone = zone
        try DailyReset.settle(&timer, type: .timezoneChange, now: now, device: device, on: conn)
        try DailyReset.reschedule(timer, on: conn)
    }

    /// A zone name people may choose: one the tz database has a file for, that the day rule
    /// takes too.
    static func isValidZone(_ zone: String) -> Bool {
        SettingsHandlers.isKnownTimeZone(zone) && DayBoundary(zoneName: zone) != nil
    }
}
