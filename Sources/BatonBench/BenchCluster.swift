import BatonAPI
import BatonCoordinator
import BatonModel
import BatonWorker
import Foundation
import Logging

/// A coordinator and workers in this process, on a fresh data directory, talking ZeroMQ over TCP
/// loopback and storing to SQLite exactly as the separate processes do.
struct BenchCluster {
    let root: URL
    let client: CodePipelineClient
    let workersEndpoint: String
    let logger: Logger

    static func start(logger: Logger) async throws -> BenchCluster {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let configuration = CoordinatorConfiguration(
            dataDirectory: root.appendingPathComponent("data"), workerEndpoint: "tcp://127.0.0.1:*", httpHost: "127.0.0.1", httpPort: 0)
        let (ready, readyContinuation) = AsyncStream<CoordinatorEndpoints>.makeStream()
        Task {
            do {
                try await Coordinator(configuration: configuration, logger: logger) { readyContinuation.yield($0) }.run()
            } catch {
                FileHandle.standardError.write(Data("baton-bench: the coordinator stopped: \(error)\n".utf8))
                exit(1)
            }
        }
        var iterator = ready.makeAsyncIterator()
        guard let endpoints = await iterator.next(), let http = URL(string: endpoints.http) else { throw BenchError("the coordinator did not start") }
        let cluster = BenchCluster(root: root, client: CodePipelineClient(endpoint: http), workersEndpoint: endpoints.workers, logger: logger)
        for type in BenchTypes.definitions {
            let _: CreateCustomActionTypeOutput = try await cluster.client.call(.createCustomActionType, CreateCustomActionTypeInput(
                category: type.id.category, provider: type.id.provider, version: type.id.version,
                inputArtifactDetails: type.inputArtifactDetails, outputArtifactDetails: type.outputArtifactDetails))
        }
        return cluster
    }

    func startWorker(_ id: String, slots: Int, providers: [any ActionProvider]) throws {
        let configuration = WorkerConfiguration(
            coordinatorEndpoint: workersEndpoint, workDirectory: root.appendingPathComponent("work-\(id)"), workerID: id, maxConcurrentJobs: slots)
        let worker = try Worker(configuration: configuration, providers: providers, logger: logger)
        Task { try? await worker.run() }
    }

    func create(_ pipeline: PipelineDeclaration) async throws {
        let _: CreatePipelineOutput = try await client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
    }

    func start(_ pipeline: String) async throws -> String {
        let started: StartPipelineExecutionOutput = try await client.call(.startPipelineExecution, StartPipelineExecutionInput(name: pipeline))
        return started.pipelineExecutionId
    }

    /// Waits until every execution in `ids` has ended, polling one at a time (GetPipelineExecution
    /// reads one record; listing would read them all) every `interval`; fails on any that did not
    /// succeed. Returns when the last of them ended, by the coordinator's record (seconds
    /// since 1970), so how often it polls does not change what is measured.
    @discardableResult
    func waitForExecutions(
        _ ids: [(pipeline: String, id: String)], every interval: Duration = .milliseconds(5), timeout: Duration = .seconds(600)
    ) async throws -> Double {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        for (pipeline, id) in ids {
            while true {
                let output: GetPipelineExecutionOutput = try await client.call(
                    .getPipelineExecution, GetPipelineExecutionInput(pipelineName: pipeline, pipelineExecutionId: id))
                if try output.hasEnded() { break }
                if clock.now > deadline { throw BenchError("execution \(id) of \(pipeline) did not end in time") }
                try await Task.sleep(for: interval)
            }
        }
        return try await lastEnd(of: ids)
    }

    /// The latest end time among `ids`, from ListPipelineExecutions (GetPipelineExecution has none).
    func lastEnd(of ids: [(pipeline: String, id: String)]) async throws -> Double {
        let wanted = Set(ids.map(\.id))
        var lastEnd = 0.0
        for pipeline in Set(ids.map(\.pipeline)) {
            var token: String?
            repeat {
                let page: ListPipelineExecutionsOutput = try await client.call(
                    .listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: pipeline, maxResults: 100, nextToken: token))
                for summary in page.pipelineExecutionSummaries where wanted.contains(summary.pipelineExecutionId) {
                    lastEnd = max(lastEnd, summary.lastUpdateTime.secondsSince1970)
                }
                token = page.nextToken
            } while token != nil
        }
        return lastEnd
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

extension GetPipelineExecutionOutput {
    /// Whether the execution has ended; an error naming it if it ended other than Succeeded.
    func hasEnded() throws -> Bool {
        let execution = pipelineExecution
        guard execution.status.isTerminal else { return false }
        guard execution.status == .succeeded else {
            throw BenchError("execution \(execution.pipelineExecutionId) of \(execution.pipelineName) ended \(execution.status.rawValue): \(execution.statusSummary ?? "")")
        }
        return true
    }
}
