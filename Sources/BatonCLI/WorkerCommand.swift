import ArgumentParser
import BatonActions
import BatonAllocator
import BatonModel
import BatonProtocol
import BatonWorker
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import ZeroMQ

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: poll the coordinator for jobs and run them.")

    @Option(help: "The coordinator's worker endpoint (env BATON_COORDINATOR; default tcp://127.0.0.1:7600).")
    var coordinator: String?

    @Option(help: "Directory for job work trees and the artifact cache (env BATON_WORK_DIR; default ./.baton/work).")
    var workDir: String?

    @Option(name: .customLong("label"), help: "A KEY=VALUE label this worker carries; repeatable (env BATON_LABELS, comma-separated).")
    var labels: [String] = []

    @Option(name: .customLong("query"), help: ArgumentHelp("Take only jobs of an action type whose configuration has these values, as PollForJobs' queryParam: CATEGORY/OWNER/PROVIDER/VERSION:KEY=VALUE[,KEY=VALUE]; repeatable.", valueName: "query"))
    var queries: [String] = []

    @Option(help: "Jobs to run at once (env BATON_SLOTS; default 1).")
    var slots: Int?

    @Option(help: "This worker's id (env BATON_WORKER_ID; default the host name and work directory).")
    var workerId: String?

    @Option(help: "Folder whose subfolders stand in for S3 buckets (env BATON_BUCKETS; default ./.baton/buckets).")
    var buckets: String?

    @Option(help: ArgumentHelp("Folder of executables that Lambda invoke actions run, by FunctionName (env BATON_FUNCTIONS; default ./.baton/functions).", valueName: "dir"))
    var functions: String?

    @Option(help: ArgumentHelp("JSON file standing in for Parameter Store and Secrets Manager in CodeBuild actions: {\"parameters\": {...}, \"secrets\": {...}} (env BATON_SECRETS).", valueName: "file"))
    var secrets: String?

    @Option(help: ArgumentHelp("File holding this worker's CURVE secret key (env BATON_CURVE_SECRET_KEY).", valueName: "file"))
    var curveSecretKey: String?

    // Unconditional: a Z85 key may begin with '-', and must still be taken as the value.
    @Option(parsing: .unconditional, help: ArgumentHelp("The coordinator's CURVE public key (env BATON_COORDINATOR_KEY).", valueName: "key"))
    var coordinatorKey: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env BATON_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        let logger = try bootstrapLogging(level: logLevel)
        let workDirectory = URL(fileURLWithPath: setting(workDir, env: "BATON_WORK_DIR", default: ".baton/work")).standardizedFileURL
        let labelTexts = labels.isEmpty
            ? (ProcessInfo.processInfo.environment["BATON_LABELS"] ?? "").split(separator: ",").map(String.init)
            : labels
        var parsedLabels: [String: String] = [:]
        for text in labelTexts {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--label '\(text)' is not KEY=VALUE") }
            parsedLabels[String(parts[0])] = String(parts[1])
        }
        let slots = try setting(slots, env: "BATON_SLOTS", default: 1)
        guard (1...256).contains(slots) else { throw ValidationError("--slots must be between 1 and 256, not \(slots)") }
        let endpoint = setting(coordinator, env: "BATON_COORDINATOR", default: "tcp://127.0.0.1:7600")
        guard endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("ipc://") else {
            throw ValidationError("--coordinator '\(endpoint)' is not a ZeroMQ endpoint such as tcp://127.0.0.1:7600")
        }
        let id = setting(workerId, env: "BATON_WORKER_ID", default: "\(ProcessInfo.processInfo.hostName)-\(workDirectory.lastPathComponent)")
        var configuration = WorkerConfiguration(
            coordinatorEndpoint: endpoint, workDirectory: workDirectory, workerID: id, labels: parsedLabels, maxConcurrentJobs: slots)
        configuration.queries = try queries.map(Self.parseQuery)
        let secretFile = curveSecretKey ?? ProcessInfo.processInfo.environment["BATON_CURVE_SECRET_KEY"]
        let serverKey = coordinatorKey ?? ProcessInfo.processInfo.environment["BATON_COORDINATOR_KEY"]
        switch (secretFile, serverKey) {
        case (let secretFile?, let serverKey?):
            let secret = try readSecretKey(secretFile, flag: "--curve-secret-key")
            guard serverKey.utf8.count == 40 else { throw ValidationError("--coordinator-key '\(serverKey)' is not a 40-character Z85 CURVE public key") }
            configuration.curve = (CurveKeyPair(publicKey: try CurveKeyPair.publicKey(forSecretKey: secret), secretKey: secret), serverKey)
        case (nil, nil):
            break
        case (nil, _?):
            throw ValidationError("--coordinator-key needs --curve-secret-key (this worker's own key)")
        case (_?, nil):
            throw ValidationError("--curve-secret-key needs --coordinator-key (the coordinator's public key)")
        }
        let bucketRoot = URL(fileURLWithPath: setting(buckets, env: "BATON_BUCKETS", default: ".baton/buckets")).standardizedFileURL
        let secretsFile = (secrets ?? ProcessInfo.processInfo.environment["BATON_SECRETS"]).map { URL(fileURLWithPath: $0).standardizedFileURL }
        if let secretsFile, !FileManager.default.isReadableFile(atPath: secretsFile.path) {
            throw ValidationError("--secrets \(secretsFile.path) is not a readable file")
        }
        let worker = try Worker(
            configuration: configuration, providers: BuiltInActions.providers(
                bucketRoot: bucketRoot, gitCache: configuration.workDirectory.appendingPathComponent("git"),
                functions: URL(fileURLWithPath: setting(functions, env: "BATON_FUNCTIONS", default: ".baton/functions")).standardizedFileURL,
                secretsFile: secretsFile), logger: logger)
        logger.info("worker starting", metadata: [
            "worker.id": "\(configuration.workerID)", "slots": "\(configuration.maxConcurrentJobs)", "malloc": "\(MemoryAllocator.current().tag)",
        ])
        let group = ServiceGroup(
            configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func parseQuery(_ text: String) throws -> ActionTypeQuery {
        let bad = ValidationError("--query '\(text)' is not CATEGORY/OWNER/PROVIDER/VERSION:KEY=VALUE[,KEY=VALUE]")
        guard let colon = text.firstIndex(of: ":") else { throw bad }
        let type = text[..<colon].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard type.count == 4, !type.contains(where: \.isEmpty) else { throw bad }
        var values: [String: String] = [:]
        for pair in text[text.index(after: colon)...].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw bad }
            values[String(parts[0])] = String(parts[1])
        }
        guard !values.isEmpty else { throw bad }
        return ActionTypeQuery(actionTypeId: ActionTypeID(category: type[0], owner: type[1], provider: type[2], version: type[3]), queryParam: values)
    }
}
