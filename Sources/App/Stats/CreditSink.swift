/// Collects what one transaction credited, so the work that must wait for the commit (the
/// leaderboards) gets it afterwards. Used by one thread, inside one transaction.
final class CreditSink {
    private(set) var credits: [FocusCredit] = []

    func add(_ more: [FocusCredit]) { credits += more }
}
