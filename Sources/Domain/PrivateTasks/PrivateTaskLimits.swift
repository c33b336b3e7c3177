/// How much a person's private task lists may hold. Lengths are in characters as people see
/// them; a title matches a room task's length (`RoomLimits.taskLength`), so "add from my tasks"
/// copies it whole.
public enum PrivateTaskLimits {
    /// Open (not done) tasks across all of an account's lists; done ones do not count.
    public static let openTasks = 1000
    /// Lists per account.
    public static let lists = 50
    public static let titleLength = RoomLimits.taskLength
    public static let notesLength = 5000
    /// Code points in the notes, so a note heaped with combining marks cannot grow huge.
    public static let notesCodePoints = 20_000
    public static let listNameLength = 60
    /// The list every account starts with (made on the first visit to /me/tasks).
    public static let defaultListName = "Today"
    /// Due dates outside these years are typing mistakes (and the column's CHECK).
    public static let dueYears = 2000...2100
    /// Open tasks a room's "add from my tasks" offers (due first, then in list order).
    public static let offeredInRoom = 100
}
