import Foundation

/// A task's optional due date as typed into a date field (`YYYY-MM-DD`): a day in the owner's
/// zone. Days that do not exist (2026-02-30), other shapes and years outside 2000–2100 are
/// refused; an empty field means "no due date".
public enum DueDate {
    public static func parse(_ raw: String) throws(PrivateTaskRefusal) -> LocalDate? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        guard text.utf8.count == 10, let date = LocalDate(iso: text), text.utf8.allSatisfy({ $0 == 0x2D || (0x30...0x39).contains($0) })
        else {
            throw .invalid("“\(String(text.prefix(40)))” is not a date that exists. Use the form YYYY-MM-DD, e.g. 2026-03-01.")
        }
        guard PrivateTaskLimits.dueYears.contains(date.components.year) else {
            throw .invalid("A due date must be between the years 2000 and 2100.")
        }
        return date
    }
}
