import BatonAPI
import BatonEngine
import BatonGit
import BatonModel
import BatonStore
import Crypto
import Foundation
import Logging

/// Starts executions when a watched repository changes: every tick it fetches each repository a
/// pipeline's git source reads into a bare mirror under `DATA_DIR/triggers/`, compares its
/// branches and tags with the last look, and for each moved ref builds the `GitEvent` (with the
/// changed files) that trigger filters match. A match starts an execution that takes that exact
/// commit (`sourceRevisions`), recording the trigger type and what was pushed.
///
/// Local repositories (a path or `file://`) are looked at every tick; remote ones every
/// `remoteInterval`. The last refs seen are kept on disk, so a push made while the coordinator
/// was down starts its pipeline when it comes back.
actor TriggerWatcher {
    private let engine: Engine
    private let connections: SourceConnections
    private let directory: URL
    private let tick: Duration
    private let remoteInterval: Duration
    private let logger: Logger
    /// The folder whose subfolders stand in for S3 buckets, for S3 sources' change detection.
    private let bucketRoot: URL?
    private var lastLook: [String: ContinuousClock.Instant] = [:]
    /// Polling and webhook deliveries use the same mirrors, one git operation at a time each.
    private let mirrorLocks = GitMirrorLocks()
    private var failing: Set<String> = []

    init(engine: Engine, connections: SourceConnections, directory: URL, bucketRoot: URL?, tick: Duration, remoteInterval: Duration, logger: Logger) {
        self.engine = engine
        self.connections = connections
        self.directory = directory
        self.bucketRoot = bucketRoot
        self.tick = tick
        self.remoteInterval = remoteInterval
        self.logger = logger
    }

    func run() async {
        while !Task.isCancelled {
            await look()
            do { try await Task.sleep(for: tick) } catch { return }
        }
    }

    /// One look at every watched repository that is due, and at every watched S3 object.
    func look() async {
        let pipelines = await engine.allPipelines().map(\.declaration)
        if let bucketRoot {
            let objects = ObjectWatch.watches(of: pipelines)
            if !objects.isEmpty { await look(at: objects, in: bucketRoot) }
        }
        let watches = SourceWatch.watches(of: pipelines, connections: connections.all)
        let now = ContinuousClock.now
        for (url, group) in Dictionary(grouping: watches, by: \.url).sorted(by: { $0.key < $1.key }) {
            if !Self.isLocal(url), let last = lastLook[url], now - last < remoteInterval { continue }
            lastLook[url] = now
            do {
                try await look(at: url, for: group)
                if failing.remove(url) != nil { logger.info("repository reachable again", metadata: ["repository": "\(url)"]) }
            } catch {
                if failing.insert(url).inserted {
                    logger.warning("cannot look for changes", metadata: ["repository": "\(url)", "error.message": "\(error)"])
                }
            }
        }
    }

    private func look(at url: String, for watches: [SourceWatch]) async throws {
        let (mirror, seenFile) = mirror(for: url)
        let refs = try await mirrorLocks.serialize(mirror.path.path) {
            try await mirror.update()
            return try await mirror.refs()
        }
        guard let seen = try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: seenFile)) else {
            // The first look: what is there now is the baseline, not a change.
            try save(refs, to: seenFile)
            return
        }
        for change in RefChange.between(seen, refs) {
            guard let kind = GitEvent.push(to: change.ref) else { continue }
            let changed = try await mirrorLocks.serialize(mirror.path.path) {
                try await mirror.changedFiles(from: change.old, to: change.commit)
            }
            let event = GitEvent(kind: kind, changedPaths: Array(changed.prefix(GitEvent.changedPathLimit)), createsBranch: change.old == nil)
            let detail = "\(change.ref) \(change.commit) (\(changed.count) file\(changed.count == 1 ? "" : "s") changed) in \(url)"
            _ = await start(watches, on: event, ref: change.ref, commit: change.commit, detail: detail)
        }
        try save(refs, to: seenFile)
    }

    /// Starts every watched pipeline `event` matches, at `commit`; returns those started. The
    /// same change (action, ref, commit) starts a pipeline once, whether polling or a webhook
    /// saw it first, and even if the coordinator dies before it records having seen it.
    private func start(_ watches: [SourceWatch], on event: GitEvent, ref: String, commit: String, detail: String) async -> [WebhookOutput.Started] {
        var started: [WebhookOutput.Started] = []
        for watch in watches {
            guard let triggerType = watch.triggerType(for: event) else { continue }
            let token = Self.startToken(watch.action, ref, commit)
            do {
                let id = try await engine.startExecution(
                    of: watch.pipeline, trigger: ExecutionTrigger(triggerType: triggerType, triggerDetail: String(detail.prefix(1024))),
                    clientRequestToken: token, sourceRevisions: [watch.action: commit])
                started.append(WebhookOutput.Started(pipelineName: watch.pipeline, pipelineExecutionId: id.rawValue))
                logger.info("trigger started an execution", metadata: [
                    "pipeline.name": "\(watch.pipeline)", "execution.id": "\(id)", "trigger.type": "\(triggerType)", "git.ref": "\(ref)",
                ])
            } catch {
                logger.warning("trigger could not start an execution", metadata: ["pipeline.name": "\(watch.pipeline)", "error.message": "\(error)"])
            }
        }
        return started
    }

    private func mirror(for url: String) -> (mirror: GitMirror, seen: URL) {
        (GitMirror(in: directory, url: url), directory.appendingPathComponent("\(GitMirror.key(for: url)).refs.json"))
    }

    /// The client request token that makes a start idempotent: the same parts, the same token.
    static func startToken(_ parts: String...) -> String {
        "trigger-" + ArtifactDigest(SHA256.hash(data: Data(parts.joined(separator: "\u{0}").utf8))).hex.prefix(40)
    }

    // MARK: S3 objects

    /// Starts the pipelines whose watched object is new or changed since the last look
    /// (`PollForSourceChanges`); the first look at an object only records it.
    private func look(at watches: [ObjectWatch], in bucketRoot: URL) async {
        let seenFile = directory.appendingPathComponent("objects.json")
        var seen = (try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: seenFile))) ?? [:]
        var changed = false
        for watch in watches {
            let key = "\(watch.pipeline)\u{0}\(watch.action)\u{0}\(watch.bucket)/\(watch.key)"
            let version = ObjectWatch.version(of: bucketRoot.appendingPathComponent(watch.bucket).appendingPathComponent(watch.key))
            guard seen[key] != version else { continue }
            let previous = seen.updateValue(version ?? "", forKey: key)
            changed = true
            guard previous != nil, let version, !version.isEmpty else { continue }
            let token = Self.startToken(key, version)
            do {
                let id = try await engine.startExecution(
                    of: watch.pipeline,
                    trigger: ExecutionTrigger(triggerType: "PollForSourceChanges", triggerDetail: "s3://\(watch.bucket)/\(watch.key) changed"),
                    clientRequestToken: token)
                logger.info("S3 source change started an execution", metadata: ["pipeline.name": "\(watch.pipeline)", "execution.id": "\(id)"])
            } catch {
                logger.warning("S3 source change could not start an execution", metadata: ["pipeline.name": "\(watch.pipeline)", "error.message": "\(error)"])
            }
        }
        guard changed else { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try save(seen, to: seenFile)
        } catch {
            logger.warning("cannot record the S3 objects seen", metadata: ["error.message": "\(error)"])
        }
    }

    // MARK: Webhooks

    /// A delivery to `POST /baton/webhooks/<connection>`: checked against the connection's
    /// secret, read, and matched like a polled change; changed files the payload does not list
    /// come from the mirror.
    func receive(connection name: String, headers: [String: String], body: Data) async -> (status: Int, body: Data) {
        func answer(_ status: Int, _ message: String) -> (Int, Data) {
            let body = (try? JSONSerialization.data(withJSONObject: ["message": message])) ?? Data()
            return (status, body)
        }
        guard let connection = connections.named(name) else { return answer(404, "no connection \(name)") }
        guard let secret = connection.webhookSecret else {
            return answer(403, "connection \(name) has no webhook secret; create it with --webhook-secret to accept deliveries")
        }
        let delivery: WebhookDelivery
        do {
            try WebhookDelivery.verify(headers: headers, body: body, secret: secret)
            guard let parsed = try WebhookDelivery.parse(headers: headers, body: body) else {
                let event = headers["x-github-event"] ?? headers["x-gitlab-event"] ?? headers["x-event-key"] ?? "?"
                return (200, (try? JSONEncoder().encode(WebhookOutput(started: [], ignored: event))) ?? Data())
            }
            delivery = parsed
        } catch {
            logger.warning("webhook delivery refused", metadata: ["connection": "\(name)", "error.message": "\(error.description)"])
            return answer(error.status, error.description)
        }
        let url = connection.repositoryURL(delivery.repository)
        let pipelines = await engine.allPipelines().map(\.declaration)
        let watches = SourceWatch.watches(of: pipelines, connections: connections.all).filter { $0.url == url }
        var started: [WebhookOutput.Started] = []
        for change in delivery.changes {
            var changed = change.changedPaths
            if changed == nil {
                let (mirror, _) = mirror(for: url)
                changed = try? await mirrorLocks.serialize(mirror.path.path) { () async throws -> [String] in
                    try await mirror.update()
                    if (try? await mirror.changedFiles(from: change.base, to: change.commit)) == nil {
                        // A pull request's head may be on no branch: ask for the commit itself.
                        _ = await mirror.fetch(commit: change.commit)
                    }
                    return try await mirror.changedFiles(from: change.base, to: change.commit)
                }
            }
            let paths = changed ?? []
            let event = GitEvent(kind: change.kind, changedPaths: Array(paths.prefix(GitEvent.changedPathLimit)), createsBranch: change.createsBranch)
            let detail = "\(delivery.provider.rawValue) webhook: \(change.ref) \(change.commit) (\(paths.count) file\(paths.count == 1 ? "" : "s") changed) in \(delivery.repository)"
            started += await start(watches, on: event, ref: change.ref, commit: change.commit, detail: detail)
        }
        return (202, (try? JSONEncoder().encode(WebhookOutput(started: started))) ?? Data())
    }

    private func save(_ refs: [String: String], to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(refs).write(to: file, options: .atomic)
    }

    static func isLocal(_ url: String) -> Bool {
        url.hasPrefix("/") || url.hasPrefix("file://") || url.hasPrefix(".")
    }
}
