import BatonModel
import BatonStore
import Testing
@testable import BatonEngine

@Suite struct ExecutionStateMachineTests {
    static let t0 = Timestamp(secondsSince1970: 1000)
    static let source = ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1")
    static let digest = ArtifactDigest(hex: String(repeating: "cd", count: 32))!

    static var declaration: PipelineDeclaration {
        PipelineDeclaration(name: "p", stages: [
            StageDeclaration(name: "Source", actions: [ActionDeclaration(name: "Fetch", actionTypeId: source, outputArtifacts: [OutputArtifact(name: "Src")])]),
            StageDeclaration(name: "Build", actions: [
                ActionDeclaration(name: "A", actionTypeId: .commands, runOrder: 1, commands: ["a"], inputArtifacts: ["Src"]),
                ActionDeclaration(name: "B", actionTypeId: .commands, runOrder: 1, commands: ["b"], inputArtifacts: ["Src"]),
                ActionDeclaration(name: "C", actionTypeId: .commands, runOrder: 2, commands: ["c"]),
            ]),
        ])
    }

    /// Deterministic ids: id-1, id-2, …
    final class IDs {
        var next = 0
        func make() -> String {
            next += 1
            return "id-\(next)"
        }
    }

    static func started() -> (ExecutionStateMachine, IDs, [EngineEffect]) {
        let ids = IDs()
        let execution = PipelineExecution(id: ExecutionID(rawValue: "e"), pipeline: declaration, version: 1, trigger: .startPipelineExecution, at: t0)
        var machine = ExecutionStateMachine(execution: execution, declaration: declaration)
        let effects = machine.start(at: t0, newID: ids.make)
        return (machine, ids, effects)
    }

    static func dispatched(_ effects: [EngineEffect]) -> [JobRecord] {
        effects.compactMap { if case .dispatch(let job) = $0 { job } else { nil } }
    }

    @Test func startingEntersTheFirstStageOnly() {
        let (machine, _, effects) = Self.started()
        #expect(Self.dispatched(effects).map(\.actionName) == ["Fetch"])
        #expect(machine.execution.stages.map(\.status) == [.inProgress, nil])
        #expect(machine.createdJobs.count == 1)
    }

    @Test func actionsWithTheSameRunOrderStartTogetherAndTheNextGroupWaits() {
        var (machine, ids, _) = Self.started()
        let output = ArtifactReference(name: "Src", digest: Self.digest, size: 3)
        let effects = machine.actionSucceeded(stage: "Source", action: "Fetch", outputs: ActionOutputs(artifacts: [output]), at: Self.t0, newID: ids.make)
        let jobs = Self.dispatched(effects)
        #expect(jobs.map(\.actionName) == ["A", "B"])
        // The artifact produced upstream reaches the job with its digest.
        #expect(jobs[0].data.inputArtifacts.first?.sha256 == Self.digest)
        #expect(jobs[0].data.inputArtifacts.first?.location?.s3Location?.objectKey == "sha256/\(Self.digest.hex)")

        #expect(Self.dispatched(machine.actionSucceeded(stage: "Build", action: "A", outputs: ActionOutputs(), at: Self.t0, newID: ids.make)).isEmpty)
        let next = machine.actionSucceeded(stage: "Build", action: "B", outputs: ActionOutputs(), at: Self.t0, newID: ids.make)
        #expect(Self.dispatched(next).map(\.actionName) == ["C"])
        let end = machine.actionSucceeded(stage: "Build", action: "C", outputs: ActionOutputs(), at: Self.t0, newID: ids.make)
        #expect(end == [.executionFinished(ExecutionID(rawValue: "e"), .succeeded)])
        #expect(machine.execution.status == .succeeded)
        #expect(machine.execution.stages.map(\.status) == [.succeeded, .succeeded])
    }

    @Test func aFailedActionFailsTheStageOnceItsParallelActionsFinish() {
        var (machine, ids, _) = Self.started()
        _ = machine.actionSucceeded(stage: "Source", action: "Fetch", outputs: ActionOutputs(artifacts: [ArtifactReference(name: "Src", digest: Self.digest, size: 3)]), at: Self.t0, newID: ids.make)
        let failure = FailureDetails(type: .jobFailed, message: "boom")
        #expect(machine.actionFailed(stage: "Build", action: "A", failure: failure, at: Self.t0, newID: ids.make).isEmpty)
        #expect(machine.execution.status == .inProgress)
        let end = machine.actionSucceeded(stage: "Build", action: "B", outputs: ActionOutputs(), at: Self.t0, newID: ids.make)
        #expect(end == [.executionFinished(ExecutionID(rawValue: "e"), .failed)])
        #expect(machine.execution.stages[1].status == .failed)
        #expect(machine.execution.stages[1].actions[2].status == nil)
        #expect(machine.execution.statusSummary?.contains("Action A in stage Build failed: boom") == true)
    }

    @Test func aResultForAnActionNotInProgressChangesNothing() {
        var (machine, ids, _) = Self.started()
        let before = machine.execution
        #expect(machine.actionSucceeded(stage: "Build", action: "A", outputs: ActionOutputs(), at: Self.t0, newID: ids.make).isEmpty)
        #expect(machine.actionSucceeded(stage: "Nope", action: "A", outputs: ActionOutputs(), at: Self.t0, newID: ids.make).isEmpty)
        #expect(machine.execution == before)
    }
}
