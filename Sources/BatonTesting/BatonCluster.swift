import BatonAPI
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Real `baton` processes for one test: a coordinator on free loopback ports and any number of
/// workers, each stopped by its PID when the test ends, pass or fail.
package final class BatonCluster: Sendable {
    package let root: URL
    package let dataDirectory: URL
    package let bucketRoot: URL
    package let workersEndpoint: String
    package let artifactsEndpoint: String
    package let eventsEndpoint: String
    package let httpEndpoint: URL
    /// The line the coordinator printed when it was ready.
    package let readyLine: String
    package let client: CodePipelineClient
    private let coordinator: Mutex<ChildProcess>
    /// The coordinator's own arguments (beyond data directory and endpoints), kept for a restart.
    private let coordinatorArguments: [String]
    private let workers = Mutex<[String: ChildProcess]>([:])

    /// Path of the `baton` executable built beside the tests.
    package static var executable: URL {
        get throws {
            var candidates: [URL] = []
            if let override = ProcessInfo.processInfo.environment["BATON_EXECUTABLE"] {
                candidates.append(URL(fileURLWithPath: override))
            }
            candidates.append(Bundle.main.bundleURL.appendingPathComponent("baton"))
            candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("baton"))
            let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(packageRoot.appendingPathComponent(".build/debug/baton"))
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw ClusterError("no baton executable; looked at \(candidates.map(\.path))")
            }
            return found
        }
    }

    private init(root: URL, coordinator: ChildProcess, readyLine: String, arguments: [String]) throws {
        self.root = root
        coordinatorArguments = arguments
        dataDirectory = root.appendingPathComponent("data")
        bucketRoot = root.appendingPathComponent("buckets")
        self.coordinator = Mutex(coordinator)
        self.readyLine = readyLine
        func field(_ name: String) throws -> String {
            guard let value = readyLine.split(separator: " ").first(where: { $0.hasPrefix("\(name)=") }) else {
                throw ClusterError("the ready line has no \(name)=: \(readyLine)")
            }
            return String(value.dropFirst(name.count + 1))
        }
        workersEndpoint = try field("workers")
        artifactsEndpoint = try field("artifacts")
        eventsEndpoint = try field("events")
        guard let http = URL(string: try field("http")) else { throw ClusterError("bad http= in \(readyLine)") }
        httpEndpoint = http
        client = CodePipelineClient(endpoint: http)
    }

    /// Starts a coordinator on a fresh data directory (or `reusing` one) and `workers` workers.
    /// A test that restarts the coordinator asks for `stablePorts` (see `StablePort`);
    /// `watchBuckets` has the coordinator watch the workers' bucket folder for S3 source changes.
    package static func start(
        workers: Int = 0, reusing root: URL? = nil, stablePorts: Bool = false, watchBuckets: Bool = false,
        workerArguments: [String] = [], coordinatorArguments: [String] = []
    ) async throws -> BatonCluster {
        let root = root ?? FileManager.default.temporaryDirectory.appendingPathComponent("baton-test-\(UUID().uuidString.prefix(8))")
        let coordinatorArguments = coordinatorArguments + (watchBuckets ? ["--buckets", root.appendingPathComponent("buckets").path] : [])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("buckets"), withIntermediateDirectories: true)
        let listen = stablePorts
            ? ["--listen-workers", "tcp://127.0.0.1:\(try StablePort.free())", "--listen-artifacts", "tcp://127.0.0.1:\(try StablePort.free())",
               "--listen-http", "127.0.0.1:\(try StablePort.free())"]
            : ["--listen-workers", "tcp://127.0.0.1:*", "--listen-http", "127.0.0.1:0"]
        let coordinator = try ChildProcess.launch(
            try executable,
            ["coordinator", "--data-dir", root.appendingPathComponent("data").path] + listen + Self.events + ["--log-level", "debug"] + coordinatorArguments,
            log: root.appendingPathComponent("coordinator.log"))
        let line: String
        do {
            line = try await coordinator.waitForLine(prefix: "baton coordinator ready", timeout: .seconds(30))
        } catch {
            coordinator.kill()
            throw error
        }
        let cluster = try BatonCluster(root: root, coordinator: coordinator, readyLine: line, arguments: coordinatorArguments)
        for index in 0..<workers {
            try cluster.startWorker("worker-\(index + 1)", arguments: workerArguments)
        }
        return cluster
    }

    /// A free port for the event PUB socket: the default, worker port + 2, may be another test's.
    static let events = ["--listen-events", "tcp://127.0.0.1:*"]

    @discardableResult
    package func startWorker(_ name: String, arguments: [String] = []) throws -> ChildProcess {
        let worker = try ChildProcess.launch(
            try Self.executable,
            ["worker", "--coordinator", workersEndpoint, "--work-dir", root.appendingPathComponent("work/\(name)").path,
             "--worker-id", name, "--buckets", bucketRoot.path, "--log-level", "debug"] + arguments,
            log: root.appendingPathComponent("\(name).log"))
        workers.withLock { $0[name] = worker }
        return worker
    }

    package func worker(_ name: String) -> ChildProcess? {
        workers.withLock { $0[name] }
    }

    package var coordinatorProcess: ChildProcess { coordinator.withLock { $0 } }

    /// Kills the coordinator with `signal` and starts a new one on the same data directory and
    /// the same endpoints, as an operator restarting it would. Every endpoint is named: a default
    /// derived from another port may have been taken by another process meanwhile.
    package func restartCoordinator(signal: Int32 = SIGKILL) async throws {
        let old = coordinatorProcess
        old.signal(signal)
        _ = try await old.waitForExit(timeout: .seconds(30))
        let port = httpEndpoint.port ?? 0
        let fresh = try ChildProcess.launch(
            try Self.executable,
            ["coordinator", "--data-dir", dataDirectory.path, "--listen-workers", workersEndpoint,
             "--listen-artifacts", artifactsEndpoint, "--listen-http", "127.0.0.1:\(port)", "--log-level", "debug"] + Self.events + coordinatorArguments,
            log: root.appendingPathComponent("coordinator-restarted.log"))
        coordinator.withLock { $0 = fresh }
        _ = try await fresh.waitForLine(prefix: "baton coordinator ready", timeout: .seconds(30))
    }

    /// Kills every process; keeps the directory for a failed test to inspect unless `removing`.
    package func stop(removing: Bool = true) {
        for worker in workers.withLock({ Array($0.values) }) { worker.kill() }
        coordinatorProcess.kill()
        if removing { try? FileManager.default.removeItem(at: root) }
    }

    /// Runs `body` with a running cluster and always stops it.
    package static func with<T: Sendable>(
        workers: Int = 0, stablePorts: Bool = false, watchBuckets: Bool = false, workerArguments: [String] = [], coordinatorArguments: [String] = [],
        _ body: (BatonCluster) async throws -> T
    ) async throws -> T {
        let cluster = try await start(
            workers: workers, stablePorts: stablePorts, watchBuckets: watchBuckets, workerArguments: workerArguments,
            coordinatorArguments: coordinatorArguments)
        do {
            let result = try await body(cluster)
            // BATON_KEEP_TEST_DIRS=1 keeps the processes' logs for a look after the test.
            cluster.stop(removing: ProcessInfo.processInfo.environment["BATON_KEEP_TEST_DIRS"] == nil)
            return result
        } catch {
            let logs = cluster.logs()
            cluster.stop(removing: false)
            throw ClusterError("\(error)\n--- logs in \(cluster.root.path) ---\n\(logs.suffix(6000))")
        }
    }

    package func logs() -> String {
        let files = (try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "log" }.sorted { $0.path < $1.path }.map { file in
            "== \(file.lastPathComponent)\n" + ((try? String(contentsOf: file, encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }

    /// Zips `folder` into `bucket/key` under the cluster's bucket root.
    package func putObject(bucket: String, key: String, zipping folder: URL) async throws {
        let destination = bucketRoot.appendingPathComponent(bucket)
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let archive = destination.appendingPathComponent(key)
        let result = try await runTool("/bin/sh", ["-c", "cd \"$1\" && zip -qr \"$2\" .", "sh", folder.path, archive.path])
        guard result.status == 0 else { throw ClusterError("zip failed: \(result.output)") }
    }
}

package struct ClusterError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
