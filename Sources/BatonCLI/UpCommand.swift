import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// A coordinator and N workers as child processes of one command. Ctrl-C (or SIGTERM) stops them
/// all: SIGTERM first, SIGKILL for any child still running after the grace period.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run a coordinator and local workers together; Ctrl-C stops them all.")

    @Option(help: "How many worker processes (env BATON_WORKERS; default 2).")
    var workers: Int?

    @Option(help: "Directory for the coordinator's data and the workers' work trees (env BATON_DATA_DIR; default ./.baton).")
    var dataDir: String?

    @Option(help: "ZeroMQ endpoint for workers (env BATON_LISTEN_WORKERS; default tcp://127.0.0.1:7600).")
    var listenWorkers: String?

    @Option(help: "HOST:PORT for the HTTP API (env BATON_LISTEN_HTTP; default 127.0.0.1:7700).")
    var listenHttp: String?

    @Option(help: "Seconds children get to stop after SIGTERM before SIGKILL (default 10).")
    var grace: Double = 10

    func run() async throws {
        let count = try setting(workers, env: "BATON_WORKERS", default: 2)
        guard (1...64).contains(count) else { throw ValidationError("--workers must be between 1 and 64, not \(count)") }
        let data = URL(fileURLWithPath: setting(dataDir, env: "BATON_DATA_DIR", default: ".baton")).standardizedFileURL
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let workersEndpoint = setting(listenWorkers, env: "BATON_LISTEN_WORKERS", default: "tcp://127.0.0.1:7600")
        let http = setting(listenHttp, env: "BATON_LISTEN_HTTP", default: "127.0.0.1:7700")

        let supervisor = Supervisor(grace: .seconds(grace))
        let ready = try supervisor.start(
            "coordinator", executable: executable,
            arguments: [
                "coordinator", "--data-dir", data.path, "--listen-workers", workersEndpoint, "--listen-http", http,
                "--buckets", data.appendingPathComponent("buckets").path,
            ],
            readyPrefix: "baton coordinator ready")
        let line = try await ready.value

        let workerEndpoint = line.split(separator: " ").first { $0.hasPrefix("workers=") }.map { String($0.dropFirst("workers=".count)) } ?? workersEndpoint
        for index in 1...count {
            _ = try supervisor.start(
                "worker-\(index)", executable: executable,
                arguments: [
                    "worker", "--coordinator", workerEndpoint, "--work-dir", data.appendingPathComponent("workers/\(index)").path,
                    "--worker-id", "worker-\(index)", "--buckets", data.appendingPathComponent("buckets").path,
                    "--functions", data.appendingPathComponent("functions").path,
                ],
                readyPrefix: nil)
        }
        print("baton up: coordinator and \(count) worker\(count == 1 ? "" : "s") running; Ctrl-C stops them")
        fflush(nil)

        // Wait for a stop signal (ServiceGroup turns SIGINT/SIGTERM into graceful shutdown), or
        // for the coordinator to exit on its own.
        let waiter = StopWaiter(supervisor: supervisor)
        let group = ServiceGroup(
            configuration: .init(services: [waiter], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "baton-up")))
        try await group.run()
        await supervisor.stopAll()
        if supervisor.coordinatorFailed { throw ExitCode(1) }
    }
}

/// Returns when graceful shutdown begins or the coordinator exits.
private struct StopWaiter: Service {
    let supervisor: Supervisor

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await gracefulShutdown() }
            group.addTask { await supervisor.waitForExit(of: "coordinator") }
            await group.next()
            group.cancelAll()
        }
    }
}
