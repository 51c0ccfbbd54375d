import Testing
@testable import BatonModel

/// Which EventBridge-shaped events one step of an execution produces.
@Suite struct StateChangesTests {
    static let declaration = PipelineDeclaration(name: "p", stages: [
        StageDeclaration(name: "Source", actions: [ActionDeclaration(name: "Fetch", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"))]),
        StageDeclaration(name: "Build", actions: [ActionDeclaration(name: "Make", actionTypeId: .commands, commands: ["make"])]),
    ])

    static func lines(_ changes: [StateChanges.Change]) -> [String] {
        changes.map { [$0.kind.shortName, $0.detail.stage, $0.detail.action, $0.detail.state].compactMap { $0 }.joined(separator: " ") }
    }

    static func fresh() -> PipelineExecution {
        PipelineExecution(id: ExecutionID(rawValue: "e-1"), pipeline: declaration, version: 3, trigger: .startPipelineExecution, at: Timestamp(secondsSince1970: 1))
    }

    @Test func startsAreOutermostFirstAndEndsInnermostFirst() {
        var started = Self.fresh()
        started.stages[0].status = .inProgress
        started.stages[0].actions[0].status = .inProgress
        started.stages[0].actions[0].actionExecutionId = ActionExecutionID(rawValue: "a-1")
        let first = StateChanges.between(nil, started, declaration: Self.declaration)
        #expect(Self.lines(first) == ["pipeline STARTED", "stage Source STARTED", "action Source Fetch STARTED"])
        #expect(first[2].detail.type?.provider == "S3" && first[2].detail.actionExecutionId == "a-1" && first[0].detail.version == 3)

        var done = started
        done.stages[0].actions[0].status = .succeeded
        done.stages[0].actions[0].summary = "fetched"
        done.stages[0].status = .succeeded
        done.stages[1].status = .inProgress
        done.stages[1].actions[0].status = .failed
        done.stages[1].actions[0].errorDetails = FailureDetails(type: .jobFailed, message: "make: *** [all] Error 2")
        done.stages[1].status = .failed
        done.status = .failed
        let second = StateChanges.between(started, done, declaration: Self.declaration)
        #expect(Self.lines(second) == [
            "stage Build STARTED", "action Build Make STARTED",
            "action Build Make FAILED", "stage Build FAILED", "action Source Fetch SUCCEEDED", "stage Source SUCCEEDED", "pipeline FAILED",
        ])
        let failed = second.last { $0.detail.action == "Make" }
        #expect(failed?.detail.executionResult?.errorCode == "JobFailed")
        #expect(failed?.detail.executionResult?.externalExecutionSummary == "make: *** [all] Error 2")
        #expect(StateChanges.between(done, done, declaration: Self.declaration).isEmpty, "nothing changed, nothing said")

        var retried = done
        retried.status = .inProgress
        retried.stages[1].status = .inProgress
        retried.stages[1].actions[0] = ActionExecution(name: "Make")
        retried.stages[1].actions[0].status = .inProgress
        retried.stages[1].actions[0].actionExecutionId = ActionExecutionID(rawValue: "a-2")
        #expect(Self.lines(StateChanges.between(done, retried, declaration: Self.declaration)) == [
            "pipeline RESUMED", "stage Build RESUMED", "action Build Make STARTED",
        ])
    }

    @Test func eventTimesAreUTCInISO8601() {
        #expect(PipelineEvent.iso8601(Timestamp(secondsSince1970: 1_795_817_702.75)) == "2026-11-27T22:15:02Z")
        #expect(PipelineEvent.iso8601(Timestamp(secondsSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test func supersededAndStoppedExecutionsSaySo() {
        var running = Self.fresh()
        running.stages[0].status = .inProgress
        var superseded = running
        superseded.status = .superseded
        #expect(Self.lines(StateChanges.between(running, superseded, declaration: nil)) == ["pipeline SUPERSEDED"])
        var stopping = running
        stopping.status = .stopping
        stopping.stages[0].status = .stopping
        #expect(Self.lines(StateChanges.between(running, stopping, declaration: nil)) == ["stage Source STOPPING", "pipeline STOPPING"])
    }
}
