import BatonModel
import BatonStore
import Testing
@testable import BatonEngine

@Suite struct PipelineStateMachineTests {
    @Test func startingEntersTheFirstStageOnly() {
        var pipeline = PipelineHarness()
        pipeline.start("e1")
        #expect(pipeline.stage(of: "e1") == 0)
        #expect(pipeline.openJobs.values.map(\.actionName) == ["Source"])
    }

    @Test func actionsWithTheSameRunOrderStartTogetherAndTheStageEndsWhenBothSucceed() {
        var pipeline = PipelineHarness(parallelBuild: true)
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        #expect(Set(pipeline.openJobs.values.map(\.actionName)) == ["Build", "BuildB"])
        // The artifact produced upstream reaches the job with its digest.
        #expect(pipeline.job("e1", "Build")?.data.inputArtifacts.first?.sha256?.hex == String(repeating: "ab", count: 32))
        pipeline.succeed("e1", "Build")
        #expect(pipeline.stage(of: "e1") == 1)
        pipeline.succeed("e1", "BuildB")
        #expect(pipeline.stage(of: "e1") == 2)
        pipeline.succeed("e1", "Deploy")
        #expect(pipeline.finished == ["e1": .succeeded])
    }

    /// A stage's actions start by ascending `runOrder`, whatever the order they are declared in,
    /// gaps and all: each group once every action of the groups before it has succeeded.
    @Test func runOrderGroupsStartInAscendingOrderEachAfterTheOneBefore() {
        let action = { (name: String, runOrder: Int?) in
            ActionDeclaration(name: name, actionTypeId: .commands, runOrder: runOrder, commands: ["true"], inputArtifacts: ["Src"])
        }
        var pipeline = PipelineHarness(declaration: PipelineDeclaration(name: "p", stages: [
            StageDeclaration(name: "Source", actions: [
                ActionDeclaration(name: "Source", actionTypeId: PipelineHarness.source, configuration: ["S3Bucket": "b", "S3ObjectKey": "k"],
                                  outputArtifacts: [OutputArtifact(name: "Src")]),
            ]),
            StageDeclaration(name: "Build", actions: [
                action("Late", 7), action("First", nil), action("Middle", 3), action("AlsoFirst", 1), action("AlsoLate", 7),
            ]),
        ]))
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        #expect(Set(pipeline.openJobs.values.map(\.actionName)) == ["First", "AlsoFirst"])
        pipeline.succeed("e1", "AlsoFirst")
        #expect(Set(pipeline.openJobs.values.map(\.actionName)) == ["First"], "the next group started before its turn")
        pipeline.succeed("e1", "First")
        #expect(Set(pipeline.openJobs.values.map(\.actionName)) == ["Middle"])
        pipeline.succeed("e1", "Middle")
        #expect(Set(pipeline.openJobs.values.map(\.actionName)) == ["Late", "AlsoLate"])
        pipeline.succeed("e1", "Late")
        pipeline.succeed("e1", "AlsoLate")
        #expect(pipeline.finished == ["e1": .succeeded])
    }

    /// The shell keeps no copy of the machine before a step: the machine names what a step
    /// changed as it was, and puts it all back when the step fails part way.
    @Test func aStepNamesWhatItChangedAsItWasAndAFailedOneIsUndoneWhole() throws {
        var pipeline = PipelineHarness(mode: .parallel)
        pipeline.start("e1")
        let e1 = ExecutionID(rawValue: "e1"), e2 = ExecutionID(rawValue: "e2")
        let beforeStep = try #require(pipeline.records["e1"])

        var machine = pipeline.machine
        let source = try #require(pipeline.job("e1", "Source"))
        _ = machine.actionSucceeded(e1, stage: "Source", action: "Source", job: source.id, outputs: ActionOutputs(), at: Timestamp(secondsSince1970: 2000), newID: { "n" })
        _ = machine.start(PipelineExecution(id: e2, pipeline: machine.declaration, version: 1, trigger: .startPipelineExecution, at: Timestamp(secondsSince1970: 2000)),
                          at: Timestamp(secondsSince1970: 2000), newID: { "m" })
        let changes = machine.takeChanges()
        #expect(Set(changes.executions.map(\.id)) == [e1, e2])
        #expect(changes.before[e1] == .some(beforeStep))
        #expect(changes.before[e2] == .some(nil))
        #expect(machine.takeChanges().before.isEmpty)

        var failing = pipeline.machine
        _ = failing.start(PipelineExecution(id: e2, pipeline: failing.declaration, version: 1, trigger: .startPipelineExecution, at: Timestamp(secondsSince1970: 2000)),
                          at: Timestamp(secondsSince1970: 2000), newID: { "m" })
        _ = try failing.setTransition(stage: "Build", type: .inbound, enabled: false, reason: "freeze", by: nil, at: Timestamp(secondsSince1970: 2000), newID: { "t" })
        _ = failing.actionSucceeded(e1, stage: "Source", action: "Source", job: source.id, outputs: ActionOutputs(), at: Timestamp(secondsSince1970: 2000), newID: { "n" })
        failing.rollBack()
        #expect(Set(failing.active.keys) == [e1])
        #expect(failing.active[e1]?.execution == pipeline.machine.active[e1]?.execution)
        #expect(failing.runtime == pipeline.machine.runtime)
        let none = failing.takeChanges()
        #expect(none.executions.isEmpty && none.jobs.isEmpty && none.runtime == nil && none.before.isEmpty)
    }

    @Test func aFailedActionFailsTheStageOnceItsParallelActionsFinish() {
        var pipeline = PipelineHarness(parallelBuild: true)
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        pipeline.fail("e1", "Build")
        #expect(pipeline.status("e1") == .inProgress)
        pipeline.succeed("e1", "BuildB")
        #expect(pipeline.finished == ["e1": .failed])
        #expect(pipeline.job("e1", "Deploy") == nil)
    }

    @Test func aResultForAnActionNotInProgressChangesNothing() {
        var pipeline = PipelineHarness()
        pipeline.start("e1")
        let before = pipeline.machine.active.mapValues(\.execution)
        pipeline.succeed("e1", "Deploy")
        #expect(pipeline.machine.active.mapValues(\.execution) == before)
    }

    // MARK: - SUPERSEDED (E-20…E-26)

    @Test func aNewerExecutionSupersedesTheOneWaitingAtAStageBoundary() {
        // The documented example: X1 in Build; X2 then X3 finish Source; X2 is superseded.
        var pipeline = PipelineHarness()
        pipeline.start("x1")
        pipeline.succeed("x1", "Source")
        pipeline.start("x2")
        pipeline.succeed("x2", "Source")
        #expect(pipeline.waiting("x2") == 1)
        pipeline.start("x3")
        pipeline.succeed("x3", "Source")
        #expect(pipeline.finished["x2"] == .superseded)
        #expect(pipeline.waiting("x3") == 1)
        // X1 leaves Build; X3 enters it.
        pipeline.succeed("x1", "Build")
        #expect(pipeline.stage(of: "x1") == 2)
        #expect(pipeline.stage(of: "x3") == 1)
    }

    @Test func twoExecutionsNeverOccupyTheSameStage() {
        var pipeline = PipelineHarness()
        pipeline.start("a")
        pipeline.start("b")
        #expect(pipeline.stage(of: "a") == 0)
        #expect(pipeline.waiting("b") == 0)
        pipeline.succeed("a", "Source")
        #expect(pipeline.stage(of: "b") == 0)
        #expect(pipeline.stage(of: "a") == 1)
    }

    @Test func aFailedExecutionReleasesItsStage() {
        var pipeline = PipelineHarness()
        pipeline.start("a")
        pipeline.succeed("a", "Source")
        pipeline.start("b")
        pipeline.succeed("b", "Source")
        #expect(pipeline.waiting("b") == 1)
        pipeline.fail("a", "Build")
        #expect(pipeline.finished["a"] == .failed)
        #expect(pipeline.stage(of: "b") == 1)
    }

    // MARK: - QUEUED (E-30…E-33)

    @Test func queuedExecutionsEnterInArrivalOrderAndNoneIsSuperseded() {
        var pipeline = PipelineHarness(mode: .queued)
        for name in ["q1", "q2", "q3"] { pipeline.start(name) }
        pipeline.succeed("q1", "Source")
        pipeline.succeed("q2", "Source")
        pipeline.succeed("q3", "Source")
        #expect(pipeline.stage(of: "q1") == 1)
        #expect(pipeline.waiting("q2") == 1)
        #expect(pipeline.waiting("q3") == 1)
        pipeline.succeed("q1", "Build")
        #expect(pipeline.stage(of: "q2") == 1)
        #expect(pipeline.waiting("q3") == 1)
        #expect(!pipeline.finished.values.contains(.superseded))
    }

    @Test func aQueuedPipelineFailsExecutionsBeyondFifty() {
        var pipeline = PipelineHarness(mode: .queued)
        for index in 0..<50 { pipeline.start("q\(index)") }
        pipeline.start("q50")
        #expect(pipeline.finished == ["q50": .failed])
    }

    // MARK: - PARALLEL (E-35)

    @Test func parallelExecutionsDoNotWaitForEachOther() {
        var pipeline = PipelineHarness(mode: .parallel)
        pipeline.start("p1")
        pipeline.start("p2")
        #expect(pipeline.stage(of: "p1") == 0)
        #expect(pipeline.stage(of: "p2") == 0)
        pipeline.succeed("p2", "Source")
        pipeline.succeed("p1", "Source")
        #expect(pipeline.stage(of: "p1") == 1)
        #expect(pipeline.stage(of: "p2") == 1)
    }

    // MARK: - Stop (E-41…E-46)

    @Test func stopAndWaitLetsRunningActionsFinishThenStops() throws {
        var pipeline = PipelineHarness(parallelBuild: true)
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        try pipeline.run { machine, time, id throws(EngineError) in try machine.stop(ExecutionID(rawValue: "e1"), abandon: false, reason: "hotfix", at: time, newID: id) }
        #expect(pipeline.status("e1") == .stopping)
        pipeline.succeed("e1", "Build")
        #expect(pipeline.status("e1") == .stopping)
        pipeline.succeed("e1", "BuildB")
        #expect(pipeline.finished == ["e1": .stopped])
        #expect(pipeline.job("e1", "Deploy") == nil)
    }

    @Test func stopAndAbandonEndsRunningActionsAtOnceAndWithdrawsTheirJobs() throws {
        var pipeline = PipelineHarness()
        pipeline.start("e1")
        let job = try #require(pipeline.job("e1", "Source"))
        try pipeline.run { machine, time, id throws(EngineError) in try machine.stop(ExecutionID(rawValue: "e1"), abandon: true, reason: nil, at: time, newID: id) }
        #expect(pipeline.finished == ["e1": .stopped])
        #expect(pipeline.effects.contains(.cancelJob(job.id)))
    }

    @Test func aSecondStopIsADuplicateButAbandonMayFollowStopAndWait() throws {
        var pipeline = PipelineHarness()
        pipeline.start("e1")
        let e1 = ExecutionID(rawValue: "e1")
        try pipeline.run { machine, time, id throws(EngineError) in try machine.stop(e1, abandon: false, reason: nil, at: time, newID: id) }
        #expect(throws: EngineError.self) { try pipeline.run { machine, time, id throws(EngineError) in try machine.stop(e1, abandon: false, reason: nil, at: time, newID: id) } }
        try pipeline.run { machine, time, id throws(EngineError) in try machine.stop(e1, abandon: true, reason: nil, at: time, newID: id) }
        #expect(pipeline.finished == ["e1": .stopped])
        // Stopping a stopped execution is refused.
        #expect(throws: EngineError.self) { try pipeline.run { machine, time, id throws(EngineError) in try machine.stop(e1, abandon: true, reason: nil, at: time, newID: id) } }
    }

    @Test func anInboundExecutionStopsWhereItWaitsAndNeverEnters() throws {
        var pipeline = PipelineHarness()
        pipeline.start("a")
        pipeline.start("b")
        try pipeline.run { machine, time, id throws(EngineError) in try machine.stop(ExecutionID(rawValue: "b"), abandon: false, reason: nil, at: time, newID: id) }
        #expect(pipeline.finished["b"] == .stopped)
        pipeline.succeed("a", "Source")
        #expect(pipeline.stage(of: "b") == nil)
    }

    // MARK: - Retry (E-60…E-66)

    static func failedInBuild() -> (PipelineHarness, PipelineExecution) {
        var pipeline = PipelineHarness(parallelBuild: true)
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        pipeline.fail("e1", "Build")
        pipeline.succeed("e1", "BuildB")
        return (pipeline, pipeline.records["e1"]!)
    }

    @Test func retryingFailedActionsRerunsOnlyThoseAndTheExecutionContinues() throws {
        var (pipeline, failed) = Self.failedInBuild()
        try pipeline.run { machine, time, id throws(EngineError) in try machine.retry(failed, stage: "Build", mode: .failedActions, at: time, newID: id) }
        #expect(pipeline.job("e1", "Build") != nil)
        #expect(pipeline.job("e1", "BuildB") == nil)
        pipeline.succeed("e1", "Build")
        pipeline.succeed("e1", "Deploy")
        #expect(pipeline.status("e1") == .succeeded)
        #expect(pipeline.lastRecord("e1")?.stages[1].manualRetryAttempts == 1)
    }

    @Test func retryingAllActionsRerunsTheWholeStage() throws {
        var (pipeline, failed) = Self.failedInBuild()
        try pipeline.run { machine, time, id throws(EngineError) in try machine.retry(failed, stage: "Build", mode: .allActions, at: time, newID: id) }
        #expect(pipeline.job("e1", "Build") != nil)
        #expect(pipeline.job("e1", "BuildB") != nil)
    }

    @Test func aStageWithoutFailedActionsIsNotRetryable() throws {
        var (pipeline, failed) = Self.failedInBuild()
        #expect(throws: EngineError.self) {
            try pipeline.run { machine, time, id throws(EngineError) in try machine.retry(failed, stage: "Deploy", mode: .failedActions, at: time, newID: id) }
        }
        #expect(throws: EngineError.self) {
            try pipeline.run { machine, time, id throws(EngineError) in try machine.retry(failed, stage: "Nope", mode: .failedActions, at: time, newID: id) }
        }
    }

    @Test func aFailedExecutionOvertakenInItsStageIsNotTheLatest() throws {
        var (pipeline, failed) = Self.failedInBuild()
        pipeline.start("e2")
        pipeline.succeed("e2", "Source")
        #expect(pipeline.stage(of: "e2") == 1)
        let error = #expect(throws: EngineError.self) {
            try pipeline.run { machine, time, id throws(EngineError) in try machine.retry(failed, stage: "Build", mode: .failedActions, at: time, newID: id) }
        }
        guard case .notLatestExecution? = error else { Issue.record("expected NotLatestPipelineExecution, got \(String(describing: error))"); return }
    }

    // MARK: - Transitions (E-90…E-93)

    @Test func aDisabledInboundTransitionHoldsExecutionsUntilEnabled() throws {
        var pipeline = PipelineHarness()
        try pipeline.run { machine, time, id throws(EngineError) in try machine.setTransition(stage: "Build", type: .inbound, enabled: false, reason: "freeze", by: nil, at: time, newID: id) }
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        #expect(pipeline.waiting("e1") == 1)
        #expect(pipeline.machine.runtime.inbound["Build"]?.disabledReason == "freeze")
        try pipeline.run { machine, time, id throws(EngineError) in try machine.setTransition(stage: "Build", type: .inbound, enabled: true, reason: nil, by: nil, at: time, newID: id) }
        #expect(pipeline.stage(of: "e1") == 1)
    }

    @Test func aDisabledOutboundTransitionHoldsExecutionsThatFinishedTheStage() throws {
        var pipeline = PipelineHarness()
        try pipeline.run { machine, time, id throws(EngineError) in try machine.setTransition(stage: "Build", type: .outbound, enabled: false, reason: "check", by: nil, at: time, newID: id) }
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        pipeline.succeed("e1", "Build")
        #expect(pipeline.waiting("e1") == 2)
        try pipeline.run { machine, time, id throws(EngineError) in try machine.setTransition(stage: "Build", type: .outbound, enabled: true, reason: nil, by: nil, at: time, newID: id) }
        #expect(pipeline.stage(of: "e1") == 2)
    }

    @Test func whileATransitionIsDisabledOnlyTheNewestWaitingExecutionSurvives() throws {
        var pipeline = PipelineHarness()
        try pipeline.run { machine, time, id throws(EngineError) in try machine.setTransition(stage: "Build", type: .inbound, enabled: false, reason: "freeze", by: nil, at: time, newID: id) }
        for name in ["a", "b"] {
            pipeline.start(name)
            pipeline.succeed(name, "Source")
        }
        #expect(pipeline.finished["a"] == .superseded)
        #expect(pipeline.waiting("b") == 1)
    }

    // MARK: - Updates (E-40)

    @Test func updatingThePipelineCancelsWaitingExecutionsNowAndRunningOnesAfterTheirActions() throws {
        var pipeline = PipelineHarness()
        pipeline.start("running")
        pipeline.start("waiting")
        var updated = pipeline.machine.declaration
        updated.version = 2
        try pipeline.run { machine, time, id throws(EngineError) in machine.update(to: updated, at: time, newID: id) }
        #expect(pipeline.finished["waiting"] == .cancelled)
        #expect(pipeline.status("running") == .stopping)
        pipeline.succeed("running", "Source")
        #expect(pipeline.finished["running"] == .cancelled)
    }

    @Test func parallelExecutionsKeepRunningThroughAnUpdateThatStaysParallel() throws {
        var pipeline = PipelineHarness(mode: .parallel)
        pipeline.start("p1")
        var updated = pipeline.machine.declaration
        updated.version = 2
        try pipeline.run { machine, time, id throws(EngineError) in machine.update(to: updated, at: time, newID: id) }
        pipeline.succeed("p1", "Source")
        #expect(pipeline.stage(of: "p1") == 1)
    }
}

extension PipelineHarness {
    /// The newest record of an execution, active or ended.
    func lastRecord(_ name: String) -> PipelineExecution? {
        machine.active[ExecutionID(rawValue: name)]?.execution ?? records[name]
    }
}

@Suite struct StaleTransitionTests {
    @Test func aTransitionDisabledForMoreThanThirtyDaysDoesNotResumeWhatWaited() throws {
        var pipeline = PipelineHarness()
        try pipeline.run { machine, time, id throws(EngineError) in try machine.setTransition(stage: "Build", type: .inbound, enabled: false, reason: "hold", by: nil, at: time, newID: id) }
        pipeline.start("e1")
        pipeline.succeed("e1", "Source")
        #expect(pipeline.waiting("e1") == 1)
        pipeline.clock = pipeline.clock.adding(seconds: PipelineStateMachine.staleTransitionSeconds + 60)
        try pipeline.run { machine, time, id throws(EngineError) in try machine.setTransition(stage: "Build", type: .inbound, enabled: true, reason: nil, by: nil, at: time, newID: id) }
        #expect(pipeline.finished["e1"] == .stopped)
        #expect(pipeline.job("e1", "Build") == nil)
    }
}
