import BatonModel
import BatonStore
import Foundation

/// Which artifacts to keep: those of every unfinished execution, of the newest `executions`
/// executions of each pipeline, of executions started within `days`, and of each pipeline's
/// newest succeeded execution (what a rollback goes back to). Everything else may go, once it is
/// older than `grace` — an upload whose SUCCESS is still on its way is referenced by nothing yet.
package struct ArtifactRetention: Sendable, Hashable {
    package var executions: Int
    package var days: Double
    package var grace: TimeInterval

    package init(executions: Int = 20, days: Double = 30, grace: TimeInterval = 3600) {
        self.executions = executions
        self.days = days
        self.grace = grace
    }

    package struct Plan: Sendable, Hashable {
        package var keep: Set<ArtifactDigest>
        package var delete: [ArtifactFiles.StoredObject]
        package var deletedBytes: Int64 { delete.reduce(0) { $0 + $1.size } }
    }

    /// The decision, from executions and stored objects alone (no I/O): the policy in Swift,
    /// which the store's query (`Store.artifactsRetained`) is tested against.
    package func plan(executions all: [PipelineExecution], objects: [ArtifactFiles.StoredObject], now: Date) -> Plan {
        var keep: Set<ArtifactDigest> = []
        let byPipeline = Dictionary(grouping: all, by: \.pipelineName)
        let cutoff = cutoff(now: now)
        for executions in byPipeline.values {
            let newestFirst = executions.sorted { $0.startTime > $1.startTime }
            var kept = Array(newestFirst.prefix(self.executions))
            kept += newestFirst.filter { !$0.status.isTerminal || $0.startTime.secondsSince1970 >= cutoff }
            if let succeeded = newestFirst.first(where: { $0.status == .succeeded }) { kept.append(succeeded) }
            for execution in kept { keep.formUnion(Self.digests(of: execution)) }
        }
        return plan(keeping: keep, objects: objects, now: now)
    }

    /// The decision once the digests to keep are known: every other object old enough to judge
    /// (past the grace period, so an upload not yet referenced is safe) goes.
    package func plan(keeping keep: Set<ArtifactDigest>, objects: [ArtifactFiles.StoredObject], now: Date) -> Plan {
        let delete = objects.filter { !keep.contains($0.digest) && now.timeIntervalSince($0.modified) > grace }
        return Plan(keep: keep, delete: delete.sorted { $0.digest.hex < $1.digest.hex })
    }

    /// Executions started at or after this (seconds since 1970) are kept.
    package func cutoff(now: Date) -> Double {
        now.timeIntervalSince1970 - days * 86_400
    }

    static func digests(of execution: PipelineExecution) -> Set<ArtifactDigest> {
        var digests = Set(execution.artifacts.values.map(\.digest))
        for stage in execution.stages {
            for action in (stage.earlierRuns ?? []) + stage.actions {
                digests.formUnion(action.outputArtifacts.map(\.digest))
                if let log = action.logArtifact { digests.insert(log.digest) }
            }
        }
        return digests
    }
}
