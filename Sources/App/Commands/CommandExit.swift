/// A command ends with this after it has said why (in the log or on stderr); the executable
/// turns `status` into the process's exit code.
public struct CommandExit: Error {
    public let status: Int32

    /// 1: the work failed. 2: the command could not start (bad configuration, bad argument).
    static let failure = CommandExit(status: 1)
    static let usage = CommandExit(status: 2)
}
