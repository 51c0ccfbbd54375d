import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Whether a child started with Foundation's `Process` has ended, asked of the kernel.
///
/// Foundation learns of a child's end only when a socket the child inherited reaches end of
/// file. A child that another thread spawns at the same moment can inherit that socket too (the
/// spawn closes only the descriptors open when it began), and then Foundation hears nothing
/// until that other child ends: `isRunning` stays true and `waitUntilExit()` blocks. With tests
/// running in parallel, two such waits once held both of the cooperative pool's threads while
/// the processes they waited on could only end after tests that had no thread left to run.
/// `waitid` with WNOWAIT reads the end without reaping the child, which Foundation still does.
enum ChildExit {
    /// The child's exit status, or its signal number if a signal ended it (as Foundation's
    /// `terminationStatus`), or nil while it runs.
    static func status(of process: Process) -> Int32? {
        if !process.isRunning { return process.terminationStatus }
        var info = siginfo_t()
        guard waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            // ECHILD: Foundation reaped it just now; its `isRunning` turns false at once.
            return process.isRunning ? nil : process.terminationStatus
        }
        // WNOHANG leaves the record zeroed while the child runs.
        guard info._sifields._sigchld.si_pid != 0 else { return nil }
        return info._sifields._sigchld.si_status
    }

    /// Blocks the calling thread until the child has ended, at most `limit`; for a child that was
    /// just sent SIGKILL, which ends within milliseconds.
    static func waitBriefly(for process: Process, limit: Duration = .seconds(10)) -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if let status = status(of: process) { return status }
            usleep(2_000)
        }
        return status(of: process)
    }

    /// Waits without holding a thread until the child has ended, up to `limit`. The timer and
    /// the polling task share a starved cooperative pool, so an end is checked once more before a
    /// timeout is reported.
    static func wait(for process: Process, limit: Duration, what: String) async throws -> Int32 {
        do {
            return try await withTimeout(limit, what) {
                while true {
                    if let status = status(of: process) { return status }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        } catch let timedOut as TimedOut {
            guard let status = status(of: process) else { throw timedOut }
            return status
        }
    }
}
