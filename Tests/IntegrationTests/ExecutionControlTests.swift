import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// Stop, retry and transitions through the CLI against real coordinator and worker processes.
@Suite(.timeLimit(.minutes(3))) struct ExecutionControlTests {
    static func pipeline(_ name: String, build: [String]) -> PipelineDeclaration {
        PipelineDeclaration(name: name, stages: [
            PipelineRunTests.sourceStage,
            StageDeclaration(name: "Build", actions: [ActionDeclaration(name: "Make", actionTypeId: .commands, commands: build, inputArtifacts: ["Src"])]),
            StageDeclaration(name: "Ship", actions: [ActionDeclaration(name: "Ship", actionTypeId: .commands, commands: ["echo shipped"], inputArtifacts: ["Src"])]),
        ])
    }

    @Test func aFailedStageRetriedThroughTheCLIFinishesTheExecution() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let fixed = cluster.root.appendingPathComponent("fixed")
            let _: CreatePipelineOutput = try await cluster.client.call(
                .createPipeline, CreatePipelineInput(pipeline: Self.pipeline("flaky", build: ["test -e \(fixed.path)"])))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "flaky"))
            let id = started.pipelineExecutionId
            #expect(try await PipelineRunTests.waitForEnd(id, of: "flaky", in: cluster).status == .failed)

            _ = FileManager.default.createFile(atPath: fixed.path, contents: nil)
            let endpoint = cluster.httpEndpoint.absoluteString
            let retried = try await runBaton(["retry", "flaky", "Build", id, "--endpoint", endpoint])
            #expect(retried.status == 0, "\(retried.stderr)")
            #expect(try await PipelineRunTests.waitForEnd(id, of: "flaky", in: cluster).status == .succeeded)
            // Both runs of Make are listed, each under its own action execution id, newest first.
            let actions: ListActionExecutionsOutput = try await cluster.client.call(
                .listActionExecutions, ListActionExecutionsInput(pipelineName: "flaky", filter: .init(pipelineExecutionId: id)))
            let makes = actions.actionExecutionDetails.filter { $0.actionName == "Make" }
            #expect(makes.map(\.status) == [.succeeded, .failed])
            #expect(Set(makes.map(\.actionExecutionId)).count == 2)

            // A stage without failed actions is not retryable, with CodePipeline's exception.
            let again = try await runBaton(["retry", "flaky", "Build", id, "--endpoint", endpoint])
            #expect(again.status != 0)
            #expect(again.stderr.hasPrefix("baton: StageNotRetryableException: "))
        }
    }

    @Test func stopWithAbandonEndsARunningExecutionAtOnce() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let started = cluster.root.appendingPathComponent("started")
            let _: CreatePipelineOutput = try await cluster.client.call(
                .createPipeline, CreatePipelineInput(pipeline: Self.pipeline("long", build: ["touch \(started.path)", "sleep 60"])))
            let execution: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "long"))
            try await withTimeout(.seconds(30), "the build to start") {
                while !FileManager.default.fileExists(atPath: started.path) { try await Task.sleep(for: .milliseconds(50)) }
            }
            let endpoint = cluster.httpEndpoint.absoluteString
            let stop = try await runBaton(["stop", "long", execution.pipelineExecutionId, "--abandon", "--reason", "wrong branch", "--endpoint", endpoint])
            #expect(stop.status == 0, "\(stop.stderr)")
            let ended = try await PipelineRunTests.waitForEnd(execution.pipelineExecutionId, of: "long", in: cluster, timeout: .seconds(10))
            #expect(ended.status == .stopped)
            let actions = try await PipelineRunTests.state(of: "long", in: cluster)
            #expect(actions["Build/Make"]?.status == .abandoned)
            let repeated = try await runBaton(["stop", "long", execution.pipelineExecutionId, "--endpoint", endpoint])
            #expect(repeated.stderr.hasPrefix("baton: PipelineExecutionNotStoppableException: "))
        }
    }

    @Test func aDisabledTransitionHoldsAnInboundExecutionUntilEnabled() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: Self.pipeline("gated", build: ["true"])))
            let endpoint = cluster.httpEndpoint.absoluteString
            let disabled = try await runBaton(["transition", "disable", "gated", "Ship", "--reason", "release freeze", "--endpoint", endpoint])
            #expect(disabled.status == 0, "\(disabled.stderr)")
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "gated"))
            let state = try await withTimeout(.seconds(30), "the execution to wait at Ship") {
                while true {
                    let state: GetPipelineStateOutput = try await cluster.client.call(.getPipelineState, GetPipelineStateInput(name: "gated"))
                    if state.stageStates[2].inboundExecution != nil { return state }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(state.stageStates[2].inboundExecution?.pipelineExecutionId == started.pipelineExecutionId)
            #expect(state.stageStates[2].inboundTransitionState?.enabled == false)
            #expect(state.stageStates[2].inboundTransitionState?.disabledReason == "release freeze")
            let enabled = try await runBaton(["transition", "enable", "gated", "Ship", "--endpoint", endpoint])
            #expect(enabled.status == 0, "\(enabled.stderr)")
            #expect(try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "gated", in: cluster).status == .succeeded)
        }
    }

    @Test func aRepeatedClientRequestTokenStartsOneExecution() async throws {
        try await BatonCluster.with(workers: 0) { cluster in
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: Self.pipeline("once", build: ["true"])))
            let first: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "once", clientRequestToken: "deploy-42"))
            let second: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "once", clientRequestToken: "deploy-42"))
            #expect(first.pipelineExecutionId == second.pipelineExecutionId)
            let list: ListPipelineExecutionsOutput = try await cluster.client.call(.listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: "once"))
            #expect(list.pipelineExecutionSummaries.count == 1)
        }
    }

    @Test func aManualApprovalHoldsTheExecutionUntilApprovedThroughTheCLI() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            var declaration = Self.pipeline("gated-release", build: ["true"])
            declaration.stages.insert(StageDeclaration(name: "Approval", actions: [
                ActionDeclaration(name: "Release", actionTypeId: .init(category: "Approval", owner: "AWS", provider: "Manual", version: "1"),
                                  configuration: ["CustomData": "Ship it?"]),
            ]), at: 2)
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "gated-release"))
            let token = try await withTimeout(.seconds(30), "the approval to be pending") {
                while true {
                    let state: GetPipelineStateOutput = try await cluster.client.call(.getPipelineState, GetPipelineStateInput(name: "gated-release"))
                    if let token = state.stageStates[2].actionStates[0].latestExecution?.token { return token }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(!token.isEmpty)
            let endpoint = cluster.httpEndpoint.absoluteString
            let wrong = try await runBaton(["approve", "gated-release", "Approval", "Release", "--token", "not-the-token", "--endpoint", endpoint])
            #expect(wrong.stderr.hasPrefix("baton: InvalidApprovalTokenException: "))
            let approved = try await runBaton(["approve", "gated-release", "Approval", "Release", "--summary", "ship it", "--endpoint", endpoint])
            #expect(approved.status == 0, "\(approved.stderr)")
            #expect(try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "gated-release", in: cluster).status == .succeeded)
            let actions = try await PipelineRunTests.state(of: "gated-release", in: cluster)
            #expect(actions["Approval/Release"]?.summary == "ship it")
            let again = try await runBaton(["approve", "gated-release", "Approval", "Release", "--endpoint", endpoint])
            #expect(again.stderr == "baton: no approval is pending for Approval/Release in pipeline gated-release\n")
        }
    }

    @Test func aRollbackThroughTheCLIRedeploysThePreviousRelease() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let deployed = cluster.root.appendingPathComponent("deployed.txt")
            var declaration = Self.pipeline("rollme", build: ["true"])
            declaration.stages[2].actions[0].commands = ["cp file.txt \(deployed.path)"]
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))
            var runs: [String] = []
            for version in ["release one", "release two"] {
                try await PipelineRunTests.putSource(in: cluster, content: version)
                let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "rollme"))
                #expect(try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "rollme", in: cluster).status == .succeeded)
                #expect(try String(contentsOf: deployed, encoding: .utf8) == version)
                runs.append(started.pipelineExecutionId)
            }
            let endpoint = cluster.httpEndpoint.absoluteString
            let rolled = try await runBaton(["rollback", "rollme", "Ship", "--endpoint", endpoint])
            #expect(rolled.status == 0, "\(rolled.stderr)")
            let id = rolled.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let rollback = try await PipelineRunTests.waitForEnd(id, of: "rollme", in: cluster)
            #expect(rollback.status == .succeeded, "\(rollback.statusSummary ?? "")")
            #expect(rollback.executionType == "ROLLBACK")
            #expect(rollback.rollbackMetadata?.rollbackTargetPipelineExecutionId == runs[0])
            #expect(try String(contentsOf: deployed, encoding: .utf8) == "release one")
            // The Source stage cannot be rolled back.
            let source = try await runBaton(["rollback", "rollme", "Source", runs[0], "--endpoint", endpoint])
            #expect(source.stderr.hasPrefix("baton: UnableToRollbackStageException: "))
        }
    }

    @Test func aCommandsRuleInASuccessConditionRunsOnAWorkerAndDecidesTheStage() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let healthy = cluster.root.appendingPathComponent("healthy")
            var declaration = Self.pipeline("checked", build: ["true"])
            declaration.pipelineType = "V2"
            declaration.stages[1].onSuccess = SuccessConditions(conditions: [ConditionDeclaration(result: "FAIL", rules: [
                RuleDeclaration(name: "Health", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: "Commands", version: "1"),
                                commands: ["test -e \(healthy.path)"]),
            ])])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))
            let first: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "checked"))
            let failed = try await PipelineRunTests.waitForEnd(first.pipelineExecutionId, of: "checked", in: cluster)
            #expect(failed.status == .failed)
            #expect(failed.statusSummary?.contains("The success condition of stage Build was not met") == true)
            let state: GetPipelineStateOutput = try await cluster.client.call(.getPipelineState, GetPipelineStateInput(name: "checked"))
            #expect(state.stageStates[1].onSuccessConditionState?.latestExecution?.status == "Failed")

            _ = FileManager.default.createFile(atPath: healthy.path, contents: nil)
            let second: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "checked"))
            #expect(try await PipelineRunTests.waitForEnd(second.pipelineExecutionId, of: "checked", in: cluster).status == .succeeded)
        }
    }

    @Test func aParallelPipelineHasNoSharedPipelineState() async throws {
        try await BatonCluster.with(workers: 0) { cluster in
            var declaration = Self.pipeline("fanout", build: ["true"])
            declaration.executionMode = .parallel
            declaration.pipelineType = "V2"
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "fanout"))
            let state: GetPipelineStateOutput = try await cluster.client.call(.getPipelineState, GetPipelineStateInput(name: "fanout"))
            #expect(state.stageStates.map(\.stageName) == ["Source", "Build", "Ship"])
            #expect(state.stageStates.allSatisfy { $0.latestExecution == nil && $0.actionStates.isEmpty })
            // The execution itself is inspected by its id.
            let execution: GetPipelineExecutionOutput = try await cluster.client.call(
                .getPipelineExecution, GetPipelineExecutionInput(pipelineName: "fanout", pipelineExecutionId: started.pipelineExecutionId))
            #expect(execution.pipelineExecution.status == .inProgress)
            #expect(execution.pipelineExecution.executionMode == .parallel)
        }
    }
}
