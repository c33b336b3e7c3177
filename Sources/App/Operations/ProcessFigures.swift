import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The standard process figures a Prometheus client library would give: open descriptors
/// against the limit (every parked poll holds one), resident memory, CPU time and start time,
/// read from /proc at scrape time.
struct ProcessFigures {
    let openFDs: Int
    let maxFDs: Int
    let residentBytes: Int
    let cpuSeconds: Double
    let startTimeSeconds: Double

    /// The kernel's record: boot time (/proc/stat btime) plus the process's start in clock
    /// ticks after boot (/proc/self/stat, field 22, counted after the parenthesised name).
    static let started: Double = {
        let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        let afterName = stat.split(separator: ")").last.map { $0.split(separator: " ") } ?? []
        let boot = ((try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
        guard afterName.count > 19, let ticks = Double(afterName[19]), let boot else { return Date().timeIntervalSince1970 }
        return boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }()

    static func current() -> ProcessFigures {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec)
            / 1e6
        return ProcessFigures(
            openFDs: fds, maxFDs: Int(limit.rlim_cur), residentBytes: pages * Int(sysconf(Int32(_SC_PAGESIZE))), cpuSeconds: cpu,
            startTimeSeconds: started)
    }

    func write(into out: inout MetricsText) {
        out.gauge("process_open_fds", "Open file descriptors (each parked poll holds one).", Double(openFDs))
        out.gauge("process_max_fds", "The open-files limit (LimitNOFILE).", Double(maxFDs))
        out.gauge("process_resident_memory_bytes", "Resident memory.", Double(residentBytes))
        out.family("process_cpu_seconds_total", "counter", "User and system CPU time.")
        out.sample("process_cpu_seconds_total", cpuSeconds)
        out.gauge("process_start_time_seconds", "When the process started, in seconds since the epoch.", startTimeSeconds)
    }
}
