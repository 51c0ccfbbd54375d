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
    package var isRunning: Bool { process.isRunning }

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
        let pending = Mutex(Data())
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                child.closed()
                return
            }
            logHandle.write(data)
            let complete = pending.withLock { buffer -> [String] in
                buffer.append(data)
                var found: [String] = []
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    found.append(String(decoding: buffer[..<newline], as: UTF8.self))
                    buffer.removeSubrange(...newline)
                }
                return found
            }
            for line in complete { child.received(line) }
        }
        try process.run()
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
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    package func kill() {
        signal(SIGKILL)
        process.waitUntilExit()
    }

    /// Waits for the process to exit, up to `timeout`; returns its status.
    package func waitForExit(timeout: Duration) async throws -> Int32 {
        let process = self.process
        return try await withTimeout(timeout, "process \(process.processIdentifier) to exit") {
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            return process.terminationStatus
        }
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
    do {
        try await withTimeout(timeout, "\(executable.lastPathComponent) \(arguments.prefix(3).joined(separator: " ")) to exit") {
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        }
    } catch {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw error
    }
    process.waitUntilExit()
    try? out.close()
    if !combined { try? err.close() }
    let stdout = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
    let stderr = combined ? "" : (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
    return (process.terminationStatus, stdout, stderr)
}

/// Runs a quick command (git, ip) to completion, blocking the calling thread; for synchronous
/// helpers only. Anything that may take long goes through `runTool`.
package func runQuickTool(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The first executable called `name` on PATH (and a few usual places), if any.
package func executableOnPath(_ name: String) -> String? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
    let candidates = path + ["/usr/local/bin", "/usr/bin", "/root/.pyenv/shims"]
    return candidates.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
