import Synchronization

/// A fixed table of counters that any thread may add to without a lock: relaxed atomic
/// additions, so a request pays a few uncontended instructions, and a reader on another thread
/// sees every addition made before it read (each slot is one atomic word, never torn).
final class AtomicCounters: @unchecked Sendable {
    let count: Int
    private let slots: UnsafeMutablePointer<Atomic<UInt64>>

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        for slot in 0..<count { (slots + slot).initialize(to: Atomic(0)) }
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func add(_ slot: Int, _ amount: UInt64 = 1) {
        slots[slot].wrappingAdd(amount, ordering: .relaxed)
    }

    subscript(slot: Int) -> UInt64 { slots[slot].load(ordering: .relaxed) }
}
