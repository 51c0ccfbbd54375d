import BatonModel
import BatonStore
import Foundation
import Testing
@testable import BatonEngine

@Suite struct ArtifactRetentionTests {
    static func digest(_ byte: String) -> ArtifactDigest { ArtifactDigest(hex: String(repeating: byte, count: 32))! }

    static func execution(_ id: String, pipeline: String = "p", started: Double, status: PipelineExecutionStatus, artifact: String) -> PipelineExecution {
        let declaration = PipelineHarness(stages: ["Build"]).machine.declaration
        var execution = PipelineExecution(id: ExecutionID(rawValue: id), pipeline: declaration, version: 1, trigger: .startPipelineExecution,
                                          variables: [:], at: Timestamp(secondsSince1970: started))
        execution.status = status
        execution.pipelineName = pipeline
        execution.artifacts["Src"] = ArtifactReference(name: "Src", digest: digest(artifact), size: 1)
        return execution
    }

    static let now = Date(timeIntervalSince1970: 100 * 86_400)
    static func object(_ byte: String, ageSeconds: Double = 7200) -> ArtifactFiles.StoredObject {
        ArtifactFiles.StoredObject(digest: digest(byte), size: 10, modified: now.addingTimeInterval(-ageSeconds))
    }

    @Test func onlyArtifactsOutsideEveryKeepRuleAreDeleted() {
        let day = 86_400.0
        let executions = [
            Self.execution("old-failed", started: 10 * day, status: .failed, artifact: "01"),
            Self.execution("old-succeeded", started: 11 * day, status: .succeeded, artifact: "02"),   // newest succeeded: kept for rollback
            Self.execution("recent-failed", started: 95 * day, status: .failed, artifact: "03"),      // within 30 days
            Self.execution("running", started: 1 * day, status: .inProgress, artifact: "04"),         // unfinished: kept
            Self.execution("other-old", pipeline: "q", started: 12 * day, status: .stopped, artifact: "05"),
        ]
        let objects = ["01", "02", "03", "04", "05", "06"].map { Self.object($0) } + [Self.object("07", ageSeconds: 60)]
        let plan = ArtifactRetention(executions: 1, days: 30).plan(executions: executions, objects: objects, now: Self.now)
        // 01: old, failed, not among the newest 1 of p. 06: referenced by nothing. 07: too young to judge.
        // 05 is the newest (and only) execution of pipeline q, so it stays.
        #expect(plan.delete.map(\.digest) == [Self.digest("01"), Self.digest("06")])
        #expect(plan.deletedBytes == 20)
    }

    @Test func theNewestExecutionsOfEachPipelineAreKept() {
        let executions = (1...5).map { Self.execution("e\($0)", started: Double($0), status: .failed, artifact: "0\($0)") }
        let plan = ArtifactRetention(executions: 2, days: 0).plan(executions: executions, objects: (1...5).map { Self.object("0\($0)") }, now: Self.now)
        #expect(plan.delete.map(\.digest) == ["01", "02", "03"].map(Self.digest))
    }
}
