import BatonModel
import BatonStore
import Testing
@testable import BatonEngine

@Suite struct StageConditionTests {
    static func check(_ variable: String, _ op: String, _ value: String, result: String) -> ConditionDeclaration {
        var rule = RuleDeclaration(name: "Check", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: "VariableCheck", version: "1"))
        rule.configuration = ["Variable": variable, "Operator": op, "Value": value]
        return ConditionDeclaration(result: result, rules: [rule])
    }

    static func harness(_ configure: (inout StageDeclaration) -> Void) -> PipelineHarness {
        var declaration = PipelineHarness(stages: ["Build", "Deploy"]).machine.declaration
        declaration.pipelineType = "V2"
        declaration.variables = [PipelineVariableDeclaration(name: "Env", defaultValue: "staging")]
        configure(&declaration.stages[1])
        return PipelineHarness(declaration: declaration)
    }

    static func start(_ pipeline: inout PipelineHarness, _ name: String = "e1", env: String = "staging") {
        let time = pipeline.tick()
        let execution = PipelineExecution(
            id: ExecutionID(rawValue: name), pipeline: pipeline.machine.declaration, version: 1, trigger: .startPipelineExecution,
            variables: ["Env": env], at: time)
        var ids = IDs(next: pipeline.nextID)
        let effects = pipeline.machine.start(execution, at: time, newID: { ids.make() })
        pipeline.nextID = ids.next
        for case .dispatch(let job) in effects { pipeline.openJobs[job.id] = job }
        pipeline.effects += effects
        for record in pipeline.machine.takeChanges().executions { pipeline.records[record.id.rawValue] = record }
        pipeline.succeed(name, "Source")
    }

    @Test func aFailedEntryConditionWithSkipSkipsTheStageAndTheExecutionGoesOn() {
        var pipeline = Self.harness { $0.beforeEntry = BeforeEntryConditions(conditions: [Self.check("#{variables.Env}", "EQ", "production", result: "SKIP")]) }
        Self.start(&pipeline)
        #expect(pipeline.job("e1", "Build") == nil)
        #expect(pipeline.job("e1", "Deploy") != nil)
        #expect(pipeline.records["e1"]?.stages[1].status == .skipped)
        #expect(pipeline.records["e1"]?.stages[1].conditions?["beforeEntry"]?.status == "Failed")
    }

    @Test func aMetEntryConditionLetsTheStageRun() {
        var pipeline = Self.harness { $0.beforeEntry = BeforeEntryConditions(conditions: [Self.check("#{variables.Env}", "EQ", "staging", result: "FAIL")]) }
        Self.start(&pipeline)
        #expect(pipeline.job("e1", "Build") != nil)
    }

    @Test func aFailedEntryConditionWithFailFailsTheExecution() {
        var pipeline = Self.harness { $0.beforeEntry = BeforeEntryConditions(conditions: [Self.check("#{variables.Env}", "CONTAINS", "prod", result: "FAIL")]) }
        Self.start(&pipeline)
        #expect(pipeline.finished["e1"] == .failed)
        #expect(pipeline.records["e1"]?.statusSummary?.contains("The entry condition of stage Build was not met") == true)
    }

    @Test func aFailedSuccessConditionWithRollbackRollsTheStageBack() {
        var pipeline = Self.harness { $0.onSuccess = SuccessConditions(conditions: [Self.check("#{variables.Env}", "NE", "broken", result: "ROLLBACK")]) }
        Self.start(&pipeline, "good")
        pipeline.succeed("good", "Build")
        pipeline.succeed("good", "Deploy")
        #expect(pipeline.finished["good"] == .succeeded)
        Self.start(&pipeline, "bad", env: "broken")
        pipeline.succeed("bad", "Build")
        #expect(pipeline.finished["bad"] == .failed)
        #expect(pipeline.records["bad"]?.stages[1].conditions?["onSuccess"]?.status == "Failed")
        #expect(pipeline.effects.contains(.rollback(stage: "Build", target: ExecutionID(rawValue: "good"))))
    }

    @Test func rulesThisBatonCannotEvaluateAreErrorsNamingTheRuleType() {
        let rule = RuleDeclaration(name: "Alarm", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: "CloudWatchAlarm", version: "1"))
        let outcome = rule.evaluate(in: VariableContext(executionID: ExecutionID(rawValue: "e"), pipelineName: "p", pipelineVersion: 1))
        guard case .errored(let reason) = outcome else { Issue.record("expected an error"); return }
        #expect(reason.contains("CloudWatchAlarm"))
    }

    struct Comparison: CustomTestStringConvertible, Sendable {
        let op: String
        let actual: String
        let expected: String
        let holds: Bool
        var testDescription: String { "\(actual) \(op) \(expected)" }
    }

    @Test(arguments: [
        Comparison(op: "EQ", actual: "a", expected: "a", holds: true), Comparison(op: "NE", actual: "a", expected: "a", holds: false),
        Comparison(op: "CONTAINS", actual: "release-1", expected: "release", holds: true),
        Comparison(op: "MATCHES", actual: "v1.2.3", expected: "^v[0-9]+\\.", holds: true),
        Comparison(op: "GT", actual: "10", expected: "9", holds: true), Comparison(op: "LT", actual: "10", expected: "9", holds: false),
    ])
    func variableChecksCompareAsTheirOperatorSays(_ comparison: Comparison) {
        var rule = RuleDeclaration(name: "C", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: "VariableCheck", version: "1"))
        rule.configuration = ["Variable": "#{variables.X}", "Operator": comparison.op, "Value": comparison.expected]
        let context = VariableContext(executionID: ExecutionID(rawValue: "e"), pipelineName: "p", pipelineVersion: 1, pipelineVariables: ["X": comparison.actual])
        #expect((rule.evaluate(in: context) == .succeeded) == comparison.holds)
    }
}

@Suite struct CommandsRuleTests {
    static func harness() -> PipelineHarness {
        StageConditionTests.harness { stage in
            let rule = RuleDeclaration(name: "Health", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: "Commands", version: "1"),
                                       commands: ["curl -fsS http://localhost/health?run=#{codepipeline.PipelineExecutionId}"])
            stage.onSuccess = SuccessConditions(conditions: [ConditionDeclaration(result: "FAIL", rules: [rule])])
        }
    }

    @Test func aCommandsRuleRunsAsAJobAndTheStageWaitsForIt() throws {
        var pipeline = Self.harness()
        StageConditionTests.start(&pipeline)
        pipeline.succeed("e1", "Build")
        let rule = try #require(pipeline.job("e1", "#rule/onSuccess/Health"))
        #expect(rule.data.commands == ["curl -fsS http://localhost/health?run=e1"])
        #expect(pipeline.stage(of: "e1") == 1)
        #expect(pipeline.job("e1", "Deploy") == nil)
        pipeline.succeed("e1", "#rule/onSuccess/Health")
        #expect(pipeline.job("e1", "Deploy") != nil)
        #expect(pipeline.records["e1"]?.stages[1].conditions?["onSuccess"]?.status == "Succeeded")
    }

    @Test func aFailingCommandsRuleEngagesTheConditionsResult() throws {
        var pipeline = Self.harness()
        StageConditionTests.start(&pipeline)
        pipeline.succeed("e1", "Build")
        pipeline.fail("e1", "#rule/onSuccess/Health")
        #expect(pipeline.finished["e1"] == .failed)
        #expect(pipeline.records["e1"]?.stages[1].conditions?["onSuccess"]?.status == "Failed")
    }
}

@Suite struct OverrideConditionTests {
    @Test func overridingARunningSuccessConditionLetsTheExecutionProceed() throws {
        var pipeline = CommandsRuleTests.harness()
        StageConditionTests.start(&pipeline)
        pipeline.succeed("e1", "Build")
        let rule = try #require(pipeline.job("e1", "#rule/onSuccess/Health"))
        let execution = try #require(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution)
        try pipeline.run { machine, time, id throws(EngineError) in try machine.overrideCondition(.onSuccess, stage: "Build", execution: execution, at: time, newID: id) }
        #expect(pipeline.effects.contains(.cancelJob(rule.id)))
        #expect(pipeline.job("e1", "Deploy") != nil)
        #expect(pipeline.records["e1"]?.stages[1].conditions?["onSuccess"]?.status == "Overridden")
    }

    @Test func overridingAFailedSuccessConditionResumesTheExecution() throws {
        var pipeline = CommandsRuleTests.harness()
        StageConditionTests.start(&pipeline)
        pipeline.succeed("e1", "Build")
        pipeline.fail("e1", "#rule/onSuccess/Health")
        #expect(pipeline.finished["e1"] == .failed)
        let failed = try #require(pipeline.records["e1"])
        try pipeline.run { machine, time, id throws(EngineError) in try machine.overrideCondition(.onSuccess, stage: "Build", execution: failed, at: time, newID: id) }
        #expect(pipeline.job("e1", "Deploy") != nil)
        pipeline.succeed("e1", "Deploy")
        #expect(pipeline.status("e1") == .succeeded)
    }

    @Test func aStageWithoutSuchAConditionIsNotOverridable() throws {
        var pipeline = PipelineHarness()
        pipeline.start("e1")
        let execution = try #require(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution)
        let error = #expect(throws: EngineError.self) {
            try pipeline.run { machine, time, id throws(EngineError) in try machine.overrideCondition(.beforeEntry, stage: "Build", execution: execution, at: time, newID: id) }
        }
        guard case .conditionNotOverridable? = error else { Issue.record("expected ConditionNotOverridable, got \(String(describing: error))"); return }
    }
}

@Suite struct DeploymentWindowRuleTests {
    /// The harness clock starts at 1970-01-01 00:16:40 UTC; this window opens at 00:30.
    static func harness(_ hook: String) -> PipelineHarness {
        StageConditionTests.harness { stage in
            var rule = RuleDeclaration(name: "Window", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: "DeploymentWindow", version: "1"))
            rule.configuration = ["Cron": "* 30-59 0 ? * *", "TimeZone": "UTC"]
            let condition = ConditionDeclaration(result: "FAIL", rules: [rule])
            if hook == "beforeEntry" {
                stage.beforeEntry = BeforeEntryConditions(conditions: [condition])
            } else {
                stage.onSuccess = SuccessConditions(conditions: [condition])
            }
        }
    }

    @Test func anEntryConditionOutsideItsWindowHoldsTheStageUntilTheWindowOpens() throws {
        var pipeline = Self.harness("beforeEntry")
        StageConditionTests.start(&pipeline)
        #expect(pipeline.job("e1", "Build") == nil)
        #expect(pipeline.records["e1"]?.stages[1].conditions?["beforeEntry"]?.status == "InProgress")
        #expect(pipeline.machine.nextDeadline == Timestamp(secondsSince1970: 1800))
        #expect(pipeline.effects.contains(.armTimer(Timestamp(secondsSince1970: 1800))))
        pipeline.clock = Timestamp(secondsSince1970: 1799)
        try pipeline.run { machine, time, id in machine.timersFired(at: time, newID: id) }
        #expect(pipeline.job("e1", "Build") != nil)
        #expect(pipeline.records["e1"]?.stages[1].conditions?["beforeEntry"]?.status == "Succeeded")
        #expect(pipeline.machine.nextDeadline != Timestamp(secondsSince1970: 1800))
    }

    @Test func aSuccessConditionOutsideItsWindowFailsAtOnceNamingTheNextOpening() throws {
        var pipeline = Self.harness("onSuccess")
        StageConditionTests.start(&pipeline)
        pipeline.succeed("e1", "Build")
        #expect(pipeline.finished["e1"] == .failed)
        let summary = try #require(pipeline.records["e1"]?.statusSummary)
        #expect(summary.contains("outside the deployment window"))
        #expect(summary.contains("1970-01-01T00:30:00Z"))
    }

    @Test func overridingAnEntryConditionWaitingForItsWindowStartsTheStage() throws {
        var pipeline = Self.harness("beforeEntry")
        StageConditionTests.start(&pipeline)
        let execution = try #require(pipeline.machine.active[ExecutionID(rawValue: "e1")]?.execution)
        try pipeline.run { machine, time, id throws(EngineError) in try machine.overrideCondition(.beforeEntry, stage: "Build", execution: execution, at: time, newID: id) }
        #expect(pipeline.job("e1", "Build") != nil)
        #expect(pipeline.machine.nextDeadline != Timestamp(secondsSince1970: 1800))
    }
}

@Suite struct LambdaInvokeRuleTests {
    @Test func aLambdaInvokeRuleRunsAsALambdaJobWithItsResolvedConfiguration() throws {
        var pipeline = StageConditionTests.harness { stage in
            var rule = RuleDeclaration(name: "Gate", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: "LambdaInvoke", version: "1"))
            rule.configuration = ["FunctionName": "check-scan", "UserParameters": "env=#{variables.Env}"]
            stage.beforeEntry = BeforeEntryConditions(conditions: [ConditionDeclaration(result: "FAIL", rules: [rule])])
        }
        StageConditionTests.start(&pipeline)
        let job = try #require(pipeline.job("e1", "#rule/beforeEntry/Gate"))
        #expect(job.data.actionTypeId == .lambdaInvoke)
        #expect(job.data.actionConfiguration.configuration == ["FunctionName": "check-scan", "UserParameters": "env=staging"])
        #expect(pipeline.job("e1", "Build") == nil)
        pipeline.succeed("e1", "#rule/beforeEntry/Gate")
        #expect(pipeline.job("e1", "Build") != nil)
    }
}

