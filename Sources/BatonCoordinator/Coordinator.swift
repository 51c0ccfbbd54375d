import BatonEngine
import BatonHTTP
import BatonProtocol
import BatonStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ZeroMQ

// BatonCoordinator: the coordinator process. It holds pipeline state (store and engine), serves
// the CodePipeline API over HTTP, and hands jobs to workers over ZeroMQ; it never runs a build
// step itself. `Coordinator.run()` is the process's lifetime.

package enum CoordinatorError: Error, CustomStringConvertible {
    case cannotListen(what: String, endpoint: String, reason: String)
    case insecureListen(endpoint: String)
    case unauthenticatedAPI(host: String)

    package var description: String {
        switch self {
        case .cannotListen(let what, let endpoint, let reason): "cannot listen for \(what) on \(endpoint): \(reason)"
        case .insecureListen(let endpoint):
            "refusing to listen for workers on \(endpoint) without encryption: anyone who can reach it could take jobs and their secrets. Give --curve-secret-key and --authorized-workers (see `baton keys generate`), listen on 127.0.0.1, or pass --insecure on a network you trust"
        case .unauthenticatedAPI(let host):
            "refusing to serve the HTTP API on \(host) without signature checks: anyone who can reach it could run and change pipelines. Give --credentials FILE (access keys in the AWS credentials-file format), listen on 127.0.0.1, or pass --insecure on a network you trust"
        }
    }
}

package struct Coordinator: Service {
    let configuration: CoordinatorConfiguration
    let logger: Logger
    let onReady: @Sendable (CoordinatorEndpoints) async -> Void

    package init(configuration: CoordinatorConfiguration, logger: Logger, onReady: @escaping @Sendable (CoordinatorEndpoints) async -> Void = { _ in }) {
        self.configuration = configuration
        self.logger = logger
        self.onReady = onReady
    }

    package func run() async throws {
        if configuration.curve == nil, !configuration.insecure, !configuration.listensOnLoopbackOnly {
            throw CoordinatorError.insecureListen(endpoint: configuration.workerEndpoint)
        }
        if configuration.accessKeys == nil, !configuration.insecure, !configuration.httpIsLoopbackOnly {
            throw CoordinatorError.unauthenticatedAPI(host: configuration.httpHost)
        }
        let store = try Store(directory: configuration.dataDirectory)
        let engine = Engine(store: store, logger: logger)
        try await engine.recover()

        let loop = try SocketLoop(context: try ZeroMQContext(scheduling: .batch), logger: logger, name: "baton-zeromq")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await loop.run() }
            defer { group.cancelAll() }

            var controlOptions = Self.controlOptions
            var dispatch = configuration.dispatch
            if let curve = configuration.curve {
                let zap = try await ZapAuthenticator.start(loop: loop, workers: curve.authorizedWorkers, logger: logger)
                group.addTask { await zap.run() }
                controlOptions.curve = .server(secretKey: curve.secretKey, zapDomain: ZapAuthenticator.domain)
                dispatch.requireAuthenticatedWorkers = true
            }
            let control = try await open(loop, bind: configuration.workerEndpoint, what: "workers", options: controlOptions)
            var artifactOptions = controlOptions
            artifactOptions.maxMessageSize = Int64(configuration.dispatch.chunkSize + 65_536)
            // Routing id, signature, command, header, payload: no BATCH on this socket.
            artifactOptions.maxFramesPerMessage = 5
            // Replies to a worker that reads slowly wait here rather than being dropped: every
            // one answers a request, and the worker's windows bound how many are on their way.
            artifactOptions.sendHighWaterMark = Int32(clamping: configuration.dispatch.credit * ProtocolVersion.queuedTransfersPerPeer)
            let artifactSocket = try await open(loop, bind: configuration.resolvedArtifactEndpoint, what: "artifacts", options: artifactOptions)
            let artifactEndpoint = artifactSocket.boundEndpoints[0]
            let artifactPort = Int(artifactEndpoint.split(separator: ":").last ?? "") ?? 0

            var eventOptions = SocketOptions()
            eventOptions.curve = controlOptions.curve
            eventOptions.sendHighWaterMark = 100_000
            let eventSocket = try await open(loop, bind: configuration.resolvedEventsEndpoint, what: "event subscribers", options: eventOptions, type: .extendedPublisher)
            let eventsEndpoint = eventSocket.boundEndpoints[0]
            let publisher = EventPublisher(loop: loop, socket: eventSocket, events: engine.events, logger: logger)
            group.addTask { await publisher.run() }

            let metrics = CoordinatorMetrics(sockets: [("workers", control), ("artifacts", artifactSocket)])
            metrics.observe(engine.events)
            let logs = try JobLogs(directory: configuration.dataDirectory.appendingPathComponent("logs"), logger: logger)
            let broker = JobBroker(
                loop: loop, socket: control, engine: engine, artifacts: store.artifacts, connections: store.connections, logs: logs,
                configuration: dispatch, artifactPort: artifactPort, metrics: metrics, logger: logger)
            let artifactServer = ArtifactServer(
                loop: loop, socket: artifactSocket, files: store.artifacts,
                chunkSize: configuration.dispatch.chunkSize, credit: configuration.dispatch.credit, metrics: metrics, logger: logger)
            group.addTask { await broker.run() }
            group.addTask { await engine.runTimers() }
            if let retention = configuration.retention {
                let interval = configuration.retentionInterval
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            try await Task.sleep(for: interval)
                            _ = try await engine.collectArtifacts(retention)
                        } catch is CancellationError {
                            return
                        } catch {
                            logger.error("artifact retention failed", metadata: ["error.message": "\(error)"])
                        }
                    }
                }
            }
            group.addTask { await artifactServer.run() }
            let watcher = TriggerWatcher(
                engine: engine, connections: store.connections, directory: configuration.dataDirectory.appendingPathComponent("triggers"),
                bucketRoot: configuration.bucketRoot, tick: configuration.triggerTick ?? .seconds(1), remoteInterval: configuration.triggerRemoteInterval, logger: logger)
            let notifier = ApprovalNotifier(approvals: engine.approvals, consoleBase: "http://\(configuration.httpHost):\(configuration.httpPort)", logger: logger)
            group.addTask { await notifier.run() }
            if configuration.triggerTick != nil {
                group.addTask { await watcher.run() }
            }

            let workers = control.boundEndpoints[0]
            let host = configuration.httpHost
            let app = HTTPServer.buildApplication(
                engine: engine, connections: store.connections,
                webhooks: { name, headers, body in await watcher.receive(connection: name, headers: headers, body: body) },
                jobs: broker, workers: broker, artifacts: store.artifacts,
                countArtifactBytes: { metrics.countBucketBytes($0, $1) },
                accessKeys: configuration.accessKeys,
                metrics: { await metrics.scrape(store: store, broker: broker) }, logs: logs.directory,
                tags: store.tags, webhookDefinitions: store.webhooks,
                host: host, port: configuration.httpPort, logger: logger
            ) { port in
                await onReady(CoordinatorEndpoints(workers: workers, artifacts: artifactEndpoint, events: eventsEndpoint, http: "http://\(host):\(port)"))
            }
            // The HTTP server runs in this task so it sees graceful shutdown first and drains
            // its requests; dispatch and the sockets are cancelled only after it has stopped.
            try await app.run()
            logger.info("coordinator stopped")
        }
    }

    private func open(_ loop: SocketLoop, bind endpoint: String, what: String, options: SocketOptions, type: SocketType = .router) async throws -> OpenedSocket {
        do {
            return try await loop.open(SocketSpec(type, options: options, bind: [endpoint]))
        } catch {
            throw CoordinatorError.cannotListen(what: what, endpoint: endpoint, reason: "\(error)")
        }
    }

    static var controlOptions: SocketOptions {
        var options = SocketOptions()
        options.routerMandatory = true
        options.routerHandover = true
        options.maxMessageSize = 1 << 20
        options.maxFramesPerMessage = ProtocolVersion.maxFrames
        options.sendHighWaterMark = Int32(ProtocolVersion.slots.upperBound * DispatchConfiguration.queuedMessagesPerSlot)
        options.handshakeInterval = 10_000
        options.heartbeatInterval = 5_000
        options.heartbeatTimeout = 15_000
        options.tcpKeepAlive = true
        return options
    }
}
