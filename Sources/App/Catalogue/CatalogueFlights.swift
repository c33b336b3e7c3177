import Foundation

/// One fetch per cache key at a time in this process: when a popular search or a room's new
/// track is not cached, the first request asks the instance and the others wait for its answer
/// (up to `wait`) instead of each asking again.
final class CatalogueFlights: @unchecked Sendable {
    private final class Flight {
        var outcome: Result<Any, any Error>?
    }

    private let condition = NSCondition()
    private var flights: [String: Flight] = [:]

    /// Runs `work` for `key`, or waits for the run already under way and shares its outcome;
    /// `late` is thrown when that run does not finish within `wait` seconds.
    func run<T>(_ key: String, wait: TimeInterval, late: @autoclosure () -> any Error, _ work: () throws -> T) throws -> T {
        condition.lock()
        if let flight = flights[key] {
            let until = Date().addingTimeInterval(wait)
            while flight.outcome == nil {
                if !condition.wait(until: until) { break }
            }
            let outcome = flight.outcome
            condition.unlock()
            guard let outcome else { throw late() }
            if case .success(let value as T) = outcome { return value }
            if case .failure(let error) = outcome { throw error }
            throw late()
        }
        let flight = Flight()
        flights[key] = flight
        condition.unlock()
        let outcome: Result<Any, any Error>
        do { outcome = .success(try work() as Any) } catch { outcome = .failure(error) }
        condition.lock()
        flight.outcome = outcome
        flights[key] = nil
        condition.broadcast()
        condition.unlock()
        switch outcome {
        case .success(let value): return value as! T
        case .failure(let error): throw error
        }
    }
}
