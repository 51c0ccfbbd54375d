import BatonThreads
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Child processes of `baton up`, each started, watched and stopped by name.
final class Supervisor: Sendable {
    private struct Child {
        let process: Process
        var exited = false
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private let grace: Duration
    private let children = Mutex<[String: Child]>([:])
    private let failed = Mutex(false)

    init(grace: Duration) {
        self.grace = grace
    }

    var coordinatorFailed: Bool { failed.withLock { $0 } }

    /// Starts a child; when `readyPrefix` is given, the returned task yields the first stdout line
    /// starting with it. All output is passed through to our own stdout and stderr.
    func start(_ name: String, executable: URL, arguments: [String], readyPrefix: String?) throws -> Task<String, any Error> {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let (lines, continuation) = AsyncStream<String>.makeStream()
        let pipe = readyPrefix == nil ? nil : Pipe()
        if let pipe { process.standardOutput = pipe } else { continuation.finish() }
        process.terminationHandler = { [weak self] process in
            guard let self else { return }
            let status = process.terminationStatus
            let reason = process.terminationReason == .uncaughtSignal ? "signal \(status)" : "status \(status)"
            FileHandle.standardError.write(Data("baton up: \(name) exited (\(reason))\n".utf8))
            if name == "coordinator" && !(process.terminationReason == .exit && status == 0) {
                failed.withLock { $0 = true }
            }
            let waiters = children.withLock { children -> [CheckedContinuation<Void, Never>] in
                children[name]?.exited = true
                defer { children[name]?.waiters = [:] }
                return Array((children[name]?.waiters ?? [:]).values)
            }
            for waiter in waiters { waiter.resume() }
            continuation.finish()
        }
        do {
            try process.run()
        } catch {
            throw ChildFailure(description: "cannot start \(name) (\(executable.path)): \(error.localizedDescription)")
        }
        // Read once the child holds the pipe's other end: a pipe whose launch failed is not read.
        pipe?.readLines(
            threadName: "\(name.prefix(8))-stdout", chunk: { FileHandle.standardOutput.write($0) },
            line: { continuation.yield($0) }, end: { continuation.finish() })
        children.withLock { $0[name] = Child(process: process) }
        return Task {
            guard let readyPrefix else { return "" }
            for await line in lines where line.hasPrefix(readyPrefix) { return line }
            throw ChildFailure(description: "\(name) exited before it was ready")
        }
    }

    /// Returns when the child has exited, or when the calling task is cancelled.
    func waitForExit(of name: String) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = children.withLock { children -> Bool in
                    guard let child = children[name], !child.exited, !Task.isCancelled else { return true }
                    children[name]?.waiters[id] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            children.withLock { $0[name]?.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Stops the workers, then the coordinator: SIGTERM, and SIGKILL for any child that outlives
    /// the grace period.
    func stopAll() async {
        let names = children.withLock { Array($0.keys) }
        await stop(names.filter { $0 != "coordinator" })
        await stop(names.filter { $0 == "coordinator" })
    }

    private func stop(_ names: [String]) async {
        for name in names {
            let process = children.withLock { $0[name].flatMap { $0.exited ? nil : $0.process } }
            if let process { kill(process.processIdentifier, SIGTERM) }
        }
        await withTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    let finished = await withTaskGroup(of: Bool.self) { race in
                        race.addTask { await self.waitForExit(of: name); return true }
                        race.addTask { try? await Task.sleep(for: self.grace); return false }
                        let first = await race.next() ?? false
                        race.cancelAll()
                        return first
                    }
                    if !finished, let process = self.children.withLock({ $0[name]?.process }) {
                        FileHandle.standardError.write(Data("baton up: \(name) did not stop in time; killing it\n".utf8))
                        kill(process.processIdentifier, SIGKILL)
                        await self.waitForExit(of: name)
                    }
                }
            }
        }
    }
}

struct ChildFailure: Error, CustomStringConvertible {
    let description: String
}
