/// One of an account's task lists, with how many tasks it holds.
struct PrivateTaskList: Sendable {
    let id: String
    let name: String
    let openCount: Int
    let doneCount: Int
}
