import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// examples/python-worker: a custom worker in another language, against a real coordinator.
@Suite(.timeLimit(.minutes(3))) struct PythonWorkerTests {
    static let wordCount = ActionTypeID(category: "Test", owner: "Custom", provider: "WordCount", version: "1")

    @Test func thePythonWorkerRunsACustomActionEndToEnd() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let script = PipelineRunTests.packageRoot.appendingPathComponent("examples/python-worker/worker.py")
            let python = try ChildProcess.launch(
                URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, cluster.workersEndpoint, "python-1"],
                log: cluster.root.appendingPathComponent("python-worker.log"))
            defer { python.kill() }

            let _: CreateCustomActionTypeOutput = try await cluster.client.call(.createCustomActionType, CreateCustomActionTypeInput(
                category: "Test", provider: "WordCount", version: "1",
                configurationProperties: [ActionConfigurationProperty(name: "Minimum", required: false)],
                inputArtifactDetails: ArtifactDetails(1, 1), outputArtifactDetails: ArtifactDetails(0, 0)))
            try await PipelineRunTests.putSource(in: cluster, content: "one two three")

            func count(_ minimum: String) -> ActionDeclaration {
                var action = ActionDeclaration(name: "Count", actionTypeId: Self.wordCount, configuration: ["Minimum": minimum], inputArtifacts: ["Src"])
                action.namespace = "Count"
                return action
            }
            func pipeline(_ name: String, minimum: String) -> PipelineDeclaration {
                PipelineDeclaration(name: name, stages: [
                    PipelineRunTests.sourceStage,
                    StageDeclaration(name: "Check", actions: [count(minimum)]),
                    StageDeclaration(name: "Use", actions: [
                        ActionDeclaration(name: "Assert", actionTypeId: .commands, commands: ["test '#{Count.Words}' = 3"], inputArtifacts: ["Src"]),
                    ]),
                ])
            }
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline("words", minimum: "2")))
            let passing: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "words"))
            let passed = try await PipelineRunTests.waitForEnd(passing.pipelineExecutionId, of: "words", in: cluster)
            #expect(passed.status == .succeeded, "\(passed.statusSummary ?? "")")
            let state = try await PipelineRunTests.state(of: "words", in: cluster)
            #expect(state["Check/Count"]?.summary == "3 words")

            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline("too-few", minimum: "10")))
            let failing: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "too-few"))
            let failed = try await PipelineRunTests.waitForEnd(failing.pipelineExecutionId, of: "too-few", in: cluster)
            #expect(failed.status == .failed)
            let failedState = try await PipelineRunTests.state(of: "too-few", in: cluster)
            #expect(failedState["Check/Count"]?.errorDetails?.message == "only 3 words; at least 10 needed")

            let log = try String(contentsOf: cluster.root.appendingPathComponent("python-worker.log"), encoding: .utf8)
            #expect(log.contains("python-1 connected"))
        }
    }
}
