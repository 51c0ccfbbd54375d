import ArgumentParser
import BatonAPI
import BatonAllocator
import BatonCoordinator
import BatonEngine
import BatonProtocol
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator: pipeline state, the CodePipeline API, and job dispatch to workers.")

    @Option(help: "Directory for the database and artifacts (env BATON_DATA_DIR; default ./.baton).")
    var dataDir: String?

    @Option(help: "ZeroMQ endpoint workers connect to (env BATON_LISTEN_WORKERS; default tcp://127.0.0.1:7600). The artifact socket uses the next port.")
    var listenWorkers: String?

    @Option(help: "Artifact socket endpoint (env BATON_LISTEN_ARTIFACTS; default: the worker port + 1).")
    var listenArtifacts: String?

    @Option(help: "ZeroMQ PUB endpoint for the event stream (env BATON_LISTEN_EVENTS; default: the worker port + 2).")
    var listenEvents: String?

    @Option(help: "HOST:PORT for the HTTP API (env BATON_LISTEN_HTTP; default 127.0.0.1:7700).")
    var listenHttp: String?

    @Option(help: ArgumentHelp("File holding this coordinator's CURVE secret key (env BATON_CURVE_SECRET_KEY); turns on encryption and worker authentication.", valueName: "file"))
    var curveSecretKey: String?

    @Option(help: ArgumentHelp("File of 'WORKER_ID PUBLIC_KEY' lines: the workers allowed to connect (env BATON_AUTHORIZED_WORKERS). Needs --curve-secret-key.", valueName: "file"))
    var authorizedWorkers: String?

    @Flag(help: "Allow listening for workers on a non-loopback address without CURVE, and serving the HTTP API on one without --credentials.")
    var insecure = false

    @Option(help: ArgumentHelp("AWS shared-credentials file of the access keys the HTTP API accepts (env BATON_CREDENTIALS); turns on SigV4 signature checks. Required when the API listens on a non-loopback address, unless --insecure.", valueName: "file"))
    var credentials: String?

    @Option(help: ArgumentHelp("Worker heartbeat interval in milliseconds (env BATON_HEARTBEAT_MS; default 2000). A worker silent for 5 intervals is taken for dead.", valueName: "ms"))
    var heartbeatInterval: Int?

    @Option(help: ArgumentHelp("Milliseconds a worker has to claim a job (by ACK, heartbeat or result) before it is offered to another (env BATON_ACK_DEADLINE_MS; default 10000, at least two heartbeat intervals).", valueName: "ms"))
    var ackDeadline: Int?

    @Option(help: ArgumentHelp("Artifact chunk size in KiB (env BATON_ARTIFACT_CHUNK_KIB; default 1024, 4 to 8192).", valueName: "kib"))
    var artifactChunkKib: Int?

    @Option(help: ArgumentHelp("Artifact chunks a transfer may have in flight (env BATON_ARTIFACT_CREDIT; default 8, 1 to 64): with the chunk size, the window a slow or long link needs.", valueName: "n"))
    var artifactCredit: Int?

    @Option(help: ArgumentHelp("Keep the artifacts of each pipeline's last N executions (env BATON_KEEP_EXECUTIONS; default 20); older ones are deleted hourly, see `baton artifacts gc`.", valueName: "n"))
    var keepExecutions: Int?

    @Option(help: ArgumentHelp("Keep the artifacts of executions of the last D days (env BATON_KEEP_DAYS; default 30).", valueName: "d"))
    var keepDays: Double?

    @Option(help: ArgumentHelp("Folder whose subfolders stand in for S3 buckets, watched for S3 source actions with PollForSourceChanges (env BATON_BUCKETS; no default: not watched). Give workers the same folder.", valueName: "dir"))
    var buckets: String?

    @Option(help: ArgumentHelp("Seconds between fetches of remote repositories that git source actions read, to start pipelines on pushes (env BATON_TRIGGER_POLL_INTERVAL; default 60; local repositories are looked at every second; 0 turns trigger watching off).", valueName: "seconds"))
    var triggerPollInterval: Double?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env BATON_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        let logger = try bootstrapLogging(level: logLevel)
        let http = setting(listenHttp, env: "BATON_LISTEN_HTTP", default: "127.0.0.1:7700")
        guard let colon = http.lastIndex(of: ":"), let port = Int(http[http.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen-http '\(http)' is not HOST:PORT")
        }
        let workers = setting(listenWorkers, env: "BATON_LISTEN_WORKERS", default: "tcp://127.0.0.1:7600")
        guard workers.hasPrefix("tcp://") || workers.hasPrefix("ipc://") || workers.hasPrefix("inproc://") else {
            throw ValidationError("--listen-workers '\(workers)' is not a ZeroMQ endpoint such as tcp://127.0.0.1:7600")
        }
        var configuration = CoordinatorConfiguration(
            dataDirectory: URL(fileURLWithPath: setting(dataDir, env: "BATON_DATA_DIR", default: ".baton")),
            workerEndpoint: workers,
            artifactEndpoint: listenArtifacts ?? ProcessInfo.processInfo.environment["BATON_LISTEN_ARTIFACTS"],
            httpHost: String(http[..<colon]),
            httpPort: port)
        configuration.insecure = insecure
        configuration.eventsEndpoint = listenEvents ?? ProcessInfo.processInfo.environment["BATON_LISTEN_EVENTS"]
        if let file = credentials ?? ProcessInfo.processInfo.environment["BATON_CREDENTIALS"] {
            do {
                configuration.accessKeys = try AccessKeys.load(from: file)
            } catch {
                throw ValidationError("--credentials: \(error)")
            }
        }
        let heartbeat = try setting(heartbeatInterval, env: "BATON_HEARTBEAT_MS", default: 2000)
        guard (50...60_000).contains(heartbeat) else { throw ValidationError("--heartbeat-interval must be between 50 and 60000 ms, not \(heartbeat)") }
        configuration.dispatch.heartbeatInterval = .milliseconds(heartbeat)
        let ackMs = try setting(ackDeadline, env: "BATON_ACK_DEADLINE_MS", default: max(10_000, 2 * heartbeat))
        guard (2 * heartbeat...3_600_000).contains(ackMs) else {
            throw ValidationError("--ack-deadline must be between two heartbeat intervals (\(2 * heartbeat) ms) and 3600000 ms, not \(ackMs)")
        }
        configuration.dispatch.ackDeadline = .milliseconds(ackMs)
        let chunkKiB = try setting(artifactChunkKib, env: "BATON_ARTIFACT_CHUNK_KIB", default: 1024)
        guard (4...8192).contains(chunkKiB) else { throw ValidationError("--artifact-chunk-kib must be between 4 and 8192, not \(chunkKiB)") }
        configuration.dispatch.chunkSize = chunkKiB << 10
        let credit = try setting(artifactCredit, env: "BATON_ARTIFACT_CREDIT", default: 8)
        guard ProtocolVersion.credits.contains(credit) else {
            throw ValidationError("--artifact-credit must be between \(ProtocolVersion.credits.lowerBound) and \(ProtocolVersion.credits.upperBound), not \(credit)")
        }
        configuration.dispatch.credit = credit
        let keepN = try setting(keepExecutions, env: "BATON_KEEP_EXECUTIONS", default: 20)
        let keepD = try setting(keepDays, env: "BATON_KEEP_DAYS", default: 30.0)
        guard keepN >= 1, keepD >= 0 else { throw ValidationError("--keep-executions must be at least 1 and --keep-days not negative") }
        configuration.retention = ArtifactRetention(executions: keepN, days: keepD)
        configuration.bucketRoot = (buckets ?? ProcessInfo.processInfo.environment["BATON_BUCKETS"]).map { URL(fileURLWithPath: $0).standardizedFileURL }
        let pollSeconds = try setting(triggerPollInterval, env: "BATON_TRIGGER_POLL_INTERVAL", default: 60.0)
        guard pollSeconds >= 0 else { throw ValidationError("--trigger-poll-interval must not be negative, not \(pollSeconds)") }
        if pollSeconds == 0 {
            configuration.triggerTick = nil
        } else {
            configuration.triggerRemoteInterval = .milliseconds(Int64(pollSeconds * 1000))
        }
        let secretFile = curveSecretKey ?? ProcessInfo.processInfo.environment["BATON_CURVE_SECRET_KEY"]
        let allowFile = authorizedWorkers ?? ProcessInfo.processInfo.environment["BATON_AUTHORIZED_WORKERS"]
        switch (secretFile, allowFile) {
        case (let secretFile?, let allowFile?):
            configuration.curve = .init(
                secretKey: try readSecretKey(secretFile, flag: "--curve-secret-key"),
                authorizedWorkers: try AuthorizedWorkers(contentsOf: URL(fileURLWithPath: allowFile)))
        case (nil, nil):
            break
        case (nil, _?):
            throw ValidationError("--authorized-workers needs --curve-secret-key")
        case (_?, nil):
            throw ValidationError("--curve-secret-key needs --authorized-workers: the list of worker public keys allowed in")
        }
        let malloc = MemoryAllocator.current().tag
        let coordinator = Coordinator(configuration: configuration, logger: logger) { endpoints in
            print("\(endpoints.readyLine) malloc=\(malloc)")
            fflush(nil)
            logger.info("coordinator ready", metadata: ["http": "\(endpoints.http)", "workers": "\(endpoints.workers)", "malloc": "\(malloc)"])
        }
        let group = ServiceGroup(
            configuration: .init(services: [coordinator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
