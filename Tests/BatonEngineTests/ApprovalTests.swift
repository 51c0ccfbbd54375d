import BatonModel
import BatonStore
import Testing
@testable import BatonEngine

@Suite struct ApprovalTests {
    static let manual = ActionTypeID(category: "Approval", owner: "AWS", provider: "Manual", version: "1")

    static func harness(timeout: Int? = nil) -> PipelineHarness {
        var approval = ActionDeclaration(name: "Approve", actionTypeId: manual, configuration: ["CustomData": "Ship #{codepipeline.PipelineExecutionId}?"])
        approval.timeoutInMinutes = timeout
        return PipelineHarness(declaration: PipelineDeclaration(name: "p", stages: [
            StageDeclaration(name: "Source", actions: [
                ActionDeclaration(name: "Source", actionTypeId: PipelineHarness.source, configuration: ["S3Bucket": "b", "S3ObjectKey": "k"], outputArtifacts: [OutputArtifact(name: "Src")]),
            ]),
            StageDeclaration(name: "Gate", actions: [approval]),
            StageDeclaration(name: "Ship", actions: [ActionDeclaration(name: "Ship", actionTypeId: .commands, commands: ["true"], inputArtifacts: ["Src"])]),
        ]))
    }

    static func token(_ pipeline: PipelineHarness, _ execution: String) -> String? {
        pipeline.machine.active[ExecutionID(rawValue: execution)]?.execution.stages[1].actions[0].token
    }

    static func decide(_ pipeline: inout PipelineHarness, token: String, approved: Bool) throws(EngineError) {
        try pipeline.run { machine, time, id throws(EngineError) in
            try machine.approvalResult(ExecutionID(rawValue: "e1"), stage: "Gate", action: "Approve", token: token, approved: approved,
                                       summary: approved ? "looks good" : "not today", by: "ops", at: time, newID: id)
        }
    }

    @Test func anApprovalWaitsWithATokenAndNoJobUntilApproved() throws {
        var pipeline = Self.harness()
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        let token = try #require(Self.token(pipeline, "e1"))
        #expect(pipeline.job("e1", "Approve") == nil)
        #expect(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution.stages[1].actions[0].summary == "Ship e1?")
        // The notification effect carries the token and the resolved configuration.
        let requests = pipeline.effects.compactMap { effect -> ApprovalRequest? in
            if case .approvalPending(let request) = effect { return request }
            return nil
        }
        #expect(requests.count == 1)
        #expect(requests.first?.token == token && requests.first?.configuration["CustomData"] == "Ship e1?")
        #expect(requests.first.map { "\($0.stageName)/\($0.actionName)" } == "Gate/Approve")
        try Self.decide(&pipeline, token: token, approved: true)
        #expect(pipeline.job("e1", "Ship") != nil)
        #expect(pipeline.records["e1"]?.stages[1].actions[0].lastUpdatedBy == "ops")
    }

    @Test func aRejectionFailsTheStageAndTheExecution() throws {
        var pipeline = Self.harness()
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        try Self.decide(&pipeline, token: try #require(Self.token(pipeline, "e1")), approved: false)
        #expect(pipeline.finished["e1"] == .failed)
    }

    @Test func aWrongTokenOrASecondAnswerIsRefused() throws {
        var pipeline = Self.harness()
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        let token = try #require(Self.token(pipeline, "e1"))
        let wrong = #expect(throws: EngineError.self) { try Self.decide(&pipeline, token: "nope", approved: true) }
        guard case .invalidApprovalToken? = wrong else { Issue.record("expected InvalidApprovalToken, got \(String(describing: wrong))"); return }
        try Self.decide(&pipeline, token: token, approved: true)
        // The same token again, after the approval ended, is refused.
        #expect(throws: EngineError.self) { try Self.decide(&pipeline, token: token, approved: true) }
    }

    @Test func anUnansweredApprovalFailsWhenItsTimeoutPasses() throws {
        var pipeline = Self.harness(timeout: 5)
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        let deadline = try #require(pipeline.machine.nextDeadline)
        #expect(deadline.seconds(since: pipeline.clock) <= 5 * 60)
        #expect(pipeline.effects.contains(.armTimer(deadline)))
        // Not yet…
        try pipeline.run { machine, time, id throws(EngineError) in machine.timersFired(at: deadline.adding(seconds: -1), newID: id) }
        #expect(pipeline.status("e1") == .inProgress)
        // …then it times out and fails like a rejection.
        try pipeline.run { machine, time, id throws(EngineError) in machine.timersFired(at: deadline, newID: id) }
        #expect(pipeline.finished["e1"] == .failed)
        #expect(pipeline.records["e1"]?.stages[1].actions[0].errorDetails?.message == "The approval request timed out without a response")
    }

    @Test func aWorkerActionThatOverrunsItsTimeoutFailsAndItsJobIsWithdrawn() throws {
        var pipeline = PipelineHarness()
        pipeline.start("e1")
        let job = try #require(pipeline.job("e1", "Source"))
        let deadline = try #require(pipeline.machine.nextDeadline)
        try pipeline.run { machine, time, id throws(EngineError) in machine.timersFired(at: deadline.adding(seconds: 1), newID: id) }
        #expect(pipeline.finished["e1"] == .failed)
        #expect(pipeline.effects.contains(.cancelJob(job.id)))
    }
}
