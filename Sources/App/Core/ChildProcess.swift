import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs another program the safe way: no shell (the arguments reach it as they are, so no name or
/// byte of a request can become a command), stdin from /dev/null, none of the responder's other
/// descriptors (client sockets, database connections) inherited, a minimal environment, a time
/// limit after which it is killed, and a cap on what it may print. Blocks the calling thread.
enum ChildProcess {
    struct Outcome: Sendable {
        /// The exit status; nil when it was killed (time limit, output cap) or died of a signal.
        let status: Int32?
        let stdout: [UInt8]
        let stderr: [UInt8]
        let timedOut: Bool
        let overflowed: Bool
    }

    struct SpawnFailed: Error, CustomStringConvertible {
        let executable: String
        let code: Int32
        var description: String { "could not start \(executable): \(String(cString: strerror(code)))" }
    }

    /// `environment` is the child's whole environment ("NAME=value"): by default only PATH and LC_ALL.
    static func run(
        _ executable: String, _ arguments: [String], timeout: Double, outputLimit: Int, environment: [String] = ["PATH=/usr/bin:/bin", "LC_ALL=C"]
    ) throws -> Outcome {
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw SpawnFailed(executable: executable, code: errno) }
        guard pipe(&err) == 0 else {
            close(out[0])
            close(out[1])
            throw SpawnFailed(executable: executable, code: errno)
        }
        for fd in [out[0], out[1], err[0], err[1]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        closeTheRest(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The responder ignores SIGPIPE and may block signals on its threads; the child starts clean.
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Its own process group, so a time limit kills what it started too (a wrapper script's engine).
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { $0.withCString { strdup($0) } } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { $0.withCString { strdup($0) } } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(out[1])
        close(err[1])
        guard spawned == 0 else {
            close(out[0])
            close(err[0])
            throw SpawnFailed(executable: executable, code: spawned)
        }

        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout) * 1e9)
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var open: [Int32] = [out[0], err[0]]
        var timedOut = false
        var overflowed = false
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !open.isEmpty {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline {
                timedOut = true
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(1000, (deadline - now) / 1_000_000 + 1)))
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if entry.fd == out[0] { stdout += chunk[0..<n] } else { stderr += chunk[0..<n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == entry.fd }
                }
            }
            if stdout.count + stderr.count > outputLimit {
                overflowed = true
                break
            }
        }
        close(out[0])
        close(err[0])
        if timedOut || overflowed { kill(-pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exited = status & 0x7F == 0
        return Outcome(
            status: exited && !timedOut && !overflowed ? (status >> 8) & 0xFF : nil, stdout: stdout, stderr: stderr,
            timedOut: timedOut, overflowed: overflowed)
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34), which Swift's Glibc module does not
    /// declare; without it, each descriptor open now is closed one by one.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    private static func closeTheRest(_ actions: inout posix_spawn_file_actions_t) {
        if let addCloseFrom, addCloseFrom(&actions, 3) == 0 { return }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}
