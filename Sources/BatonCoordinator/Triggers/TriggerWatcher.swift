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
    private var lastLook: [String: ContinuousClock.Instant] = [:]
    private var failing: Set<String> = []

    init(engine: Engine, connections: SourceConnections, directory: URL, tick: Duration, remoteInterval: Duration, logger: Logger) {
        self.engine = engine
        self.connections = connections
        self.directory = directory
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

    /// One look at every watched repository that is due.
    func look() async {
        let pipelines = await engine.allPipelines().map(\.declaration)
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
        let key = SHA256.hash(data: Data(url.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        let mirror = GitMirror(path: directory.appendingPathComponent("\(key).git"), url: url)
        let seenFile = directory.appendingPathComponent("\(key).refs.json")
        try await mirror.update()
        let refs = try await mirror.refs()
        guard let seen = try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: seenFile)) else {
            // The first look: what is there now is the baseline, not a change.
            try save(refs, to: seenFile)
            return
        }
        for change in RefChange.between(seen, refs) {
            let kind: GitEvent.Kind
            if change.ref.hasPrefix("refs/heads/") {
                kind = .push(.branch(String(change.ref.dropFirst("refs/heads/".count))))
            } else {
                kind = .push(.tag(String(change.ref.dropFirst("refs/tags/".count))))
            }
            let changed = try await mirror.changedFiles(from: change.old, to: change.commit)
            let event = GitEvent(kind: kind, changedPaths: Array(changed.prefix(GitEvent.changedPathLimit)), createsBranch: change.old == nil)
            for watch in watches {
                guard let triggerType = watch.triggerType(for: event) else { continue }
                let detail = "\(change.ref) \(change.commit) (\(changed.count) file\(changed.count == 1 ? "" : "s") changed) in \(url)"
                // The same change starts a pipeline once, even if the coordinator dies before it
                // records having seen it.
                let token = "trigger-" + SHA256.hash(data: Data("\(watch.action)\u{0}\(change.ref)\u{0}\(change.commit)".utf8))
                    .prefix(20).map { String(format: "%02x", $0) }.joined()
                do {
                    let id = try await engine.startExecution(
                        of: watch.pipeline, trigger: ExecutionTrigger(triggerType: triggerType, triggerDetail: detail),
                        clientRequestToken: token, sourceRevisions: [watch.action: change.commit])
                    logger.info("trigger started an execution", metadata: [
                        "pipeline.name": "\(watch.pipeline)", "execution.id": "\(id)", "trigger.type": "\(triggerType)", "git.ref": "\(change.ref)",
                    ])
                } catch {
                    logger.warning("trigger could not start an execution", metadata: ["pipeline.name": "\(watch.pipeline)", "error.message": "\(error)"])
                }
            }
        }
        try save(refs, to: seenFile)
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
