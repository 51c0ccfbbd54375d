import BatonThreads
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process whose stdout and stderr go to a log file, and whose stdout lines can be awaited.
package final class ChildProcess: Sendable {
    private let process: Process
    private let lines = Mutex<[String]>([])
    /// Callers waiting for a line, and whether stdout has ended (no awaited line can come then).
    private let waiting = Mutex<(waiters: [(prefix: String, continuation: CheckedContinuation<String, any Error>)], closed: Bool)>(([], false))

    package var pid: Int32 { process.processIdentifier }
    package var isRunning: Bool { ChildExit.status(of: process) == nil }

    private init(process: Process) {
        self.process = process
    }

    package static func launch(_ executable: URL, _ arguments: [String], log: URL, environment: [String: String]? = nil) throws -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = logHandle
        let child = ChildProcess(process: process)
        try process.run()
        // Read once the child holds the pipe's other end: a pipe whose launch failed is not read.
        stdout.readLines(threadName: "child-stdout", chunk: { logHandle.write($0) }, line: { child.received($0) }, end: { child.closed() })
        return child
    }

    private func received(_ line: String) {
        lines.withLock { $0.append(line) }
        let ready = waiting.withLock { waiting -> [(String, CheckedContinuation<String, any Error>)] in
            let matched = waiting.waiters.filter { line.hasPrefix($0.prefix) }
            waiting.waiters.removeAll { line.hasPrefix($0.prefix) }
            return matched.map { ($0.prefix, $0.continuation) }
        }
        for (_, continuation) in ready { continuation.resume(returning: line) }
    }

    private func closed() {
        let abandoned = waiting.withLock { waiting in
            waiting.closed = true
            defer { waiting.waiters.removeAll() }
            return waiting.waiters
        }
        for waiter in abandoned { waiter.continuation.resume(throwing: ClosedBeforeLine(prefix: waiter.prefix, pid: pid)) }
    }

    /// The first stdout line starting with `prefix`, waiting up to `timeout` for it; fails at once
    /// if the process closes its stdout (exits) without printing it.
    package func waitForLine(prefix: String, timeout: Duration) async throws -> String {
        do {
            return try await awaitLine(prefix: prefix, timeout: timeout)
        } catch let timedOut as TimedOut {
            // A starved pool can run the timer before the line's delivery; look once more.
            guard let line = lines.withLock({ $0.first { $0.hasPrefix(prefix) } }) else { throw timedOut }
            return line
        }
    }

    private func awaitLine(prefix: String, timeout: Duration) async throws -> String {
        try await withTimeout(timeout, "a line starting with '\(prefix)'") {
            try await withCheckedThrowingContinuation { continuation in
                let existing = self.lines.withLock { $0.first { $0.hasPrefix(prefix) } }
                if let existing {
                    continuation.resume(returning: existing)
                    return
                }
                let closed = self.waiting.withLock { waiting in
                    if !waiting.closed { waiting.waiters.append((prefix, continuation)) }
                    return waiting.closed
                }
                if closed { continuation.resume(throwing: ClosedBeforeLine(prefix: prefix, pid: self.pid)) }
            }
        }
    }

    package func signal(_ signal: Int32) {
        // Until it is reaped, its pid cannot name another process.
        if isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    /// Sends SIGKILL and waits, briefly and without relying on Foundation, until the process has
    /// ended, so its ports and files are free when this returns.
    package func kill() {
        signal(SIGKILL)
        _ = ChildExit.waitBriefly(for: process)
    }

    /// Waits for the process to exit, up to `timeout`; returns its status.
    package func waitForExit(timeout: Duration) async throws -> Int32 {
        try await ChildExit.wait(for: process, limit: timeout, what: "process \(process.processIdentifier) to exit")
    }
}

package struct ClosedBeforeLine: Error, CustomStringConvertible {
    package let prefix: String
    package let pid: Int32
    package var description: String { "process \(pid) closed its output (exited) without printing a line starting with '\(prefix)'" }
}

/// Runs a command to completion and returns its status and combined output. The process's output
/// goes to a file and its exit is polled, so a long command (a Python client, the aws CLI) does not
/// hold one of the cooperative pool's few threads while other tests need them.
package func runTool(_ path: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Duration = .seconds(170)) async throws -> (status: Int32, output: String) {
    let result = try await run(URL(fileURLWithPath: path), arguments, environment: environment, combined: true, timeout: timeout)
    return (result.status, result.stdout)
}

/// Runs the `baton` CLI and returns exit status, stdout and stderr separately.
package func runBaton(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(170)) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await run(try BatonCluster.executable, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, combined: false, timeout: timeout)
}

private func run(_ executable: URL, _ arguments: [String], environment: [String: String]?, combined: Bool, timeout: Duration) async throws -> (status: Int32, stdout: String, stderr: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-run-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outFile = folder.appendingPathComponent("stdout"), errFile = folder.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    let out = try FileHandle(forWritingTo: outFile)
    let err = combined ? out : try FileHandle(forWritingTo: errFile)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let status: Int32
    do {
        status = try await ChildExit.wait(for: process, limit: timeout, what: "\(executable.lastPathComponent) \(arguments.prefix(3).joined(separator: " ")) to exit")
    } catch {
        if ChildExit.status(of: process) == nil { kill(process.processIdentifier, SIGKILL) }
        throw error
    }
    try? out.close()
    if !combined { try? err.close() }
    let stdout = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
    let stderr = combined ? "" : (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
    return (status, stdout, stderr)
}

/// Runs a quick command (git, ip) to completion, blocking the calling thread for at most `limit`;
/// for synchronous helpers only. Anything that may take long goes through `runTool`. Its output
/// goes to a file: a pipe's end of file can wait on whichever process inherited the pipe.
package func runQuickTool(_ path: String, _ arguments: [String], environment: [String: String]? = nil, limit: Duration = .seconds(60)) throws -> (status: Int32, output: String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("baton-quick-\(UUID().uuidString.prefix(8))")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    try? handle.close()
    guard let status = ChildExit.waitBriefly(for: process, limit: limit) else {
        kill(process.processIdentifier, SIGKILL)
        throw TimedOut(what: "\(path) \(arguments.prefix(3).joined(separator: " ")) to exit", after: limit)
    }
    return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
}

/// The first executable called `name` on PATH (and a few usual places), if any.
package func executableOnPath(_ name: String) -> String? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
    let candidates = path + ["/usr/local/bin", "/usr/bin", "/root/.pyenv/shims"]
    return candidates.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
