import BatonModel
import BatonStore
import Testing
@testable import BatonEngine

@Suite struct RetryAndRollbackTests {
    static func harness(onFailure: FailureConditions?, mode: ExecutionMode = .superseded) -> PipelineHarness {
        var pipeline = PipelineHarness(stages: ["Build", "Deploy"], mode: mode)
        var declaration = pipeline.machine.declaration
        declaration.stages[2].onFailure = onFailure
        declaration.pipelineType = "V2"
        pipeline = PipelineHarness(declaration: declaration)
        return pipeline
    }

    @Test func onFailureRetryRetriesTheStageOnceAutomatically() {
        var pipeline = Self.harness(onFailure: FailureConditions(result: "RETRY", retryConfiguration: .init(retryMode: "FAILED_ACTIONS")))
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        pipeline.succeed("e1", "Build")
        pipeline.fail("e1", "Deploy")
        // One automatic attempt: the action runs again…
        #expect(pipeline.status("e1") == .inProgress)
        #expect(pipeline.job("e1", "Deploy") != nil)
        #expect(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution.stages[2].autoRetryAttempts == 1)
        // …and a second failure ends the execution.
        pipeline.fail("e1", "Deploy")
        #expect(pipeline.finished["e1"] == .failed)
    }

    /// The run a retry replaces is kept beside the new one, for ListActionExecutions.
    @Test func aRetryKeepsTheRunItReplaced() throws {
        var pipeline = Self.harness(onFailure: FailureConditions(result: "RETRY", retryConfiguration: .init(retryMode: "FAILED_ACTIONS")))
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        pipeline.succeed("e1", "Build")
        let firstRun = try #require(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution.stages[2].actions[0].actionExecutionId)
        #expect(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution.stages[2].earlierRuns == nil)
        pipeline.fail("e1", "Deploy")
        let stage = try #require(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution.stages[2])
        #expect(stage.earlierRuns?.map(\.actionExecutionId) == [firstRun])
        #expect(stage.earlierRuns?.map(\.status) == [.failed])
        #expect(stage.actions[0].status == .inProgress)
        #expect(stage.actions[0].actionExecutionId != firstRun)
    }

    static func succeeded(_ pipeline: inout PipelineHarness, _ name: String) {
        pipeline.start(name)
        pipeline.succeed(name, "Source")
        pipeline.succeed(name, "Build")
        pipeline.succeed(name, "Deploy")
    }

    @Test func onFailureRollbackAsksForARollbackToTheLastSuccessInTheStage() {
        var pipeline = Self.harness(onFailure: FailureConditions(result: "ROLLBACK"))
        Self.succeeded(&pipeline, "good")
        pipeline.start("bad")
        pipeline.succeed("bad", "Source")
        pipeline.succeed("bad", "Build")
        pipeline.fail("bad", "Deploy")
        #expect(pipeline.finished["bad"] == .failed)
        #expect(pipeline.effects.contains(.rollback(stage: "Deploy", target: ExecutionID(rawValue: "good"))))
    }

    @Test func aRollbackExecutionRerunsOnlyTheStageWithTheTargetsArtifactsAndVariables() throws {
        var pipeline = Self.harness(onFailure: nil)
        Self.succeeded(&pipeline, "v1")
        Self.succeeded(&pipeline, "v2")
        let target = try #require(pipeline.records["v1"])
        try pipeline.run { machine, time, id throws(EngineError) in
            try machine.rollback(stage: "Deploy", to: target, id: ExecutionID(rawValue: "rb"), automated: false, at: time, newID: id)
        }
        let rollback = try #require(pipeline.machine.active[ExecutionID(rawValue: "rb")]?.execution)
        #expect(rollback.executionType == "ROLLBACK")
        #expect(rollback.rollbackTarget?.rawValue == "v1")
        #expect(rollback.trigger.triggerType == "ManualRollback")
        #expect(pipeline.job("rb", "Deploy") != nil)
        #expect(pipeline.job("rb", "Build") == nil)
        pipeline.succeed("rb", "Deploy")
        #expect(pipeline.finished["rb"] == .succeeded)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        let name: String
        let stage: String
        let target: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Refusal(name: "the source stage", stage: "Source", target: "v1"),
        Refusal(name: "a stage the target did not succeed in", stage: "Deploy", target: "failed"),
    ])
    func rollbacksAreRefusedWhereCodePipelineRefusesThem(_ refusal: Refusal) throws {
        var pipeline = Self.harness(onFailure: nil)
        Self.succeeded(&pipeline, "v1")
        pipeline.start("failed")
        pipeline.succeed("failed", "Source")
        pipeline.fail("failed", "Build")
        let target = try #require(pipeline.records[refusal.target])
        #expect(throws: EngineError.self) {
            try pipeline.run { machine, time, id throws(EngineError) in
                try machine.rollback(stage: refusal.stage, to: target, id: ExecutionID(rawValue: "rb"), automated: false, at: time, newID: id)
            }
        }
    }

    @Test func aRollbackIsNotAvailableInParallelMode() throws {
        var pipeline = PipelineHarness(mode: .parallel)
        Self.succeeded(&pipeline, "v1")
        let target = try #require(pipeline.records["v1"])
        #expect(throws: EngineError.self) {
            try pipeline.run { machine, time, id throws(EngineError) in
                try machine.rollback(stage: "Deploy", to: target, id: ExecutionID(rawValue: "rb"), automated: false, at: time, newID: id)
            }
        }
    }
}
