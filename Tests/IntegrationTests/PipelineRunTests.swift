import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real coordinator and worker processes talking ZeroMQ over TCP loopback.
@Suite(.timeLimit(.minutes(3))) struct PipelineRunTests {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func helloDeclaration() throws -> PipelineDeclaration {
        struct Wrapped: Decodable { var pipeline: PipelineDeclaration }
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("examples/hello/pipeline.json"))
        return try JSONDecoder().decode(Wrapped.self, from: data).pipeline
    }

    /// Polls GetPipelineExecution until the execution ends (the API has no push yet).
    static func waitForEnd(_ id: String, of pipeline: String, in cluster: BatonCluster, timeout: Duration = .seconds(90)) async throws -> PipelineExecutionShape {
        let client = cluster.client
        return try await withTimeout(timeout, "execution \(id) to end") {
            while true {
                let output: GetPipelineExecutionOutput = try await client.call(
                    .getPipelineExecution, GetPipelineExecutionInput(pipelineName: pipeline, pipelineExecutionId: id))
                if output.pipelineExecution.status.isTerminal { return output.pipelineExecution }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    static func state(of pipeline: String, in cluster: BatonCluster) async throws -> [String: ActionExecutionState] {
        let state: GetPipelineStateOutput = try await cluster.client.call(.getPipelineState, GetPipelineStateInput(name: pipeline))
        var result: [String: ActionExecutionState] = [:]
        for stage in state.stageStates {
            for action in stage.actionStates {
                if let latest = action.latestExecution { result["\(stage.stageName)/\(action.actionName)"] = latest }
            }
        }
        return result
    }

    /// A one-file source object in bucket `b`, key `s.zip`, and the stage that fetches it as `Src`.
    static func putSource(in cluster: BatonCluster, content: String) async throws {
        let source = cluster.root.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try content.write(to: source.appendingPathComponent("file.txt"), atomically: true, encoding: .utf8)
        try await cluster.putObject(bucket: "b", key: "s.zip", zipping: source)
    }

    static let sourceStage = StageDeclaration(name: "Source", actions: [
        ActionDeclaration(
            name: "Fetch", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"),
            configuration: ["S3Bucket": "b", "S3ObjectKey": "s.zip"], outputArtifacts: [OutputArtifact(name: "Src")]),
    ])

    @Test func helloPipelineSucceedsAcrossACoordinatorAndTwoWorkers() async throws {
        try await BatonCluster.with(workers: 2) { cluster in
            try await cluster.putObject(bucket: "hello-source", key: "source.zip", zipping: Self.packageRoot.appendingPathComponent("examples/hello/source"))
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: try Self.helloDeclaration()))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "hello"))
            let execution = try await Self.waitForEnd(started.pipelineExecutionId, of: "hello", in: cluster)
            #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
            #expect(Set(execution.artifactRevisions.map(\.name)) == ["SourceOutput", "BuildOutput", "LintReport", "Release"])

            let actions = try await Self.state(of: "hello", in: cluster)
            #expect(actions.count == 4)
            #expect(actions.values.allSatisfy { $0.status == .succeeded })
            #expect(actions["Package/Bundle"]?.summary == "Ran 4 commands")

            // The release artifact holds what the last stage assembled from both earlier outputs.
            let release = try #require(execution.artifactRevisions.first { $0.name == "Release" }?.revisionId)
            let object = cluster.dataDirectory.appendingPathComponent("artifacts/objects/\(release.prefix(2))/\(release)")
            let listing = try await runTool("/usr/bin/unzip", ["-l", object.path])
            #expect(listing.output.contains("release/GREETING.txt"))
            #expect(listing.output.contains("release/lint-report.txt"))
            let greeting = try await runTool("/usr/bin/unzip", ["-p", object.path, "release/GREETING.txt"])
            #expect(greeting.output == "HELLO FROM BATON\n")

            // Both processes run libzmq's I/O threads as SCHED_BATCH (operations.md; performance-history.md, session 13).
            #expect(schedulingPolicies(ofThreadsNamed: "ZMQbg/IO/0", in: "\(cluster.coordinatorProcess.pid)") == [3])
            let worker = try #require(cluster.worker("worker-1"))
            #expect(schedulingPolicies(ofThreadsNamed: "ZMQbg/IO/0", in: "\(worker.pid)") == [3])
        }
    }

    @Test func aFailingCommandFailsTheExecutionWithTheCommandNamed() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await Self.putSource(in: cluster, content: "x")
            let pipeline = PipelineDeclaration(name: "failing", stages: [
                Self.sourceStage,
                StageDeclaration(name: "Build", actions: [
                    ActionDeclaration(name: "Break", actionTypeId: .commands, commands: ["echo before", "exit 3", "echo never"], inputArtifacts: ["Src"]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "failing"))
            let execution = try await Self.waitForEnd(started.pipelineExecutionId, of: "failing", in: cluster)
            #expect(execution.status == .failed)
            let actions = try await Self.state(of: "failing", in: cluster)
            let error = try #require(actions["Build/Break"]?.errorDetails)
            #expect(error.code == "JobFailed")
            #expect(error.message.hasPrefix("Error while executing command: exit 3. Reason: exit status 3"))
            #expect(error.message.contains("before"))
            #expect(!error.message.contains("never\n"))
        }
    }

    @Test func aJobOfAWorkerKilledMidJobRunsAgainOnAnotherWorker() async throws {
        try await BatonCluster.with(workers: 2) { cluster in
            try await Self.putSource(in: cluster, content: "x")
            let marker = cluster.root.appendingPathComponent("attempts")
            let pipeline = PipelineDeclaration(name: "resilient", stages: [
                Self.sourceStage,
                StageDeclaration(name: "Build", actions: [
                    // The first attempt records its worker and hangs; the retry finishes at once.
                    ActionDeclaration(name: "Slow", actionTypeId: .commands, commands: [
                        "if [ ! -e \(marker.path) ]; then echo $PPID > \(marker.path); sleep 120; fi",
                        "echo done",
                    ], inputArtifacts: ["Src"]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "resilient"))

            // Find the worker running the first attempt and SIGKILL it.
            let victim = try await withTimeout(.seconds(30), "the first attempt to start") {
                while true {
                    for name in ["worker-1", "worker-2"] {
                        let log = (try? String(contentsOf: cluster.root.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
                        if log.contains("action.name=Slow") && log.contains("job started") { return name }
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try #require(cluster.worker(victim)).kill()

            let execution = try await Self.waitForEnd(started.pipelineExecutionId, of: "resilient", in: cluster)
            #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
            let survivor = victim == "worker-1" ? "worker-2" : "worker-1"
            let survivorLog = try String(contentsOf: cluster.root.appendingPathComponent("\(survivor).log"), encoding: .utf8)
            #expect(survivorLog.contains("job.attempt=2"))
            let coordinatorLog = try String(contentsOf: cluster.root.appendingPathComponent("coordinator.log"), encoding: .utf8)
            // Killed before its first heartbeat claimed the job, the worker may lose it to the ack
            // deadline before its liveness runs out; either way it counts as a lost attempt.
            #expect((coordinatorLog.contains("worker missed its heartbeats") && coordinatorLog.contains("re-queueing a lost worker's job"))
                    || coordinatorLog.contains("job not claimed in time"))
        }
    }

    @Test func aCorruptedArtifactIsDetectedAndNamedBeforeAnyActionUsesIt() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await Self.putSource(in: cluster, content: String(repeating: "payload ", count: 1000))
            let gate = cluster.root.appendingPathComponent("gate")
            let other = cluster.root.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            try "something else".write(to: other.appendingPathComponent("other.txt"), atomically: true, encoding: .utf8)
            try await cluster.putObject(bucket: "b", key: "other.zip", zipping: other)
            var sources = Self.sourceStage
            sources.actions.append(ActionDeclaration(
                name: "FetchOther", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"),
                configuration: ["S3Bucket": "b", "S3ObjectKey": "other.zip"], outputArtifacts: [OutputArtifact(name: "Other")]))
            let pipeline = PipelineDeclaration(name: "corrupt", stages: [
                sources,
                StageDeclaration(name: "Use", actions: [
                    // Waits (on an artifact of its own) until the test has corrupted the stored Src.
                    ActionDeclaration(name: "Wait", actionTypeId: .commands, runOrder: 1,
                                      commands: ["while [ ! -e \(gate.path) ]; do sleep 0.1; done"], inputArtifacts: ["Other"]),
                    ActionDeclaration(name: "Read", actionTypeId: .commands, runOrder: 2, commands: ["cat file.txt"], inputArtifacts: ["Src"]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "corrupt"))
            let digest = try await withTimeout(.seconds(30), "the source artifact") {
                while true {
                    let output: GetPipelineExecutionOutput = try await cluster.client.call(
                        .getPipelineExecution, GetPipelineExecutionInput(pipelineName: "corrupt", pipelineExecutionId: started.pipelineExecutionId))
                    if let revision = output.pipelineExecution.artifactRevisions.first(where: { $0.name == "Src" })?.revisionId { return revision }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let object = cluster.dataDirectory.appendingPathComponent("artifacts/objects/\(digest.prefix(2))/\(digest)")
            var bytes = try Data(contentsOf: object)
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: object)
            _ = FileManager.default.createFile(atPath: gate.path, contents: nil)

            let execution = try await Self.waitForEnd(started.pipelineExecutionId, of: "corrupt", in: cluster)
            #expect(execution.status == .failed)
            let actions = try await Self.state(of: "corrupt", in: cluster)
            let message = try #require(actions["Use/Read"]?.errorDetails?.message)
            #expect(message.contains("input artifact Src is corrupt: expected sha256:\(digest)"))
        }
    }

    @Test func anExecutionSurvivesACoordinatorKilledMidActionWithoutRunningItTwice() async throws {
        try await BatonCluster.with(workers: 1, stablePorts: true) { cluster in
            try await Self.putSource(in: cluster, content: "x")
            let gate = cluster.root.appendingPathComponent("gate")
            let runs = cluster.root.appendingPathComponent("runs")
            let pipeline = PipelineDeclaration(name: "survivor", stages: [
                Self.sourceStage,
                StageDeclaration(name: "Build", actions: [
                    ActionDeclaration(name: "Wait", actionTypeId: .commands, commands: [
                        "echo ran >> \(runs.path)",
                        "while [ ! -e \(gate.path) ]; do sleep 0.1; done",
                    ], inputArtifacts: ["Src"]),
                ]),
                StageDeclaration(name: "After", actions: [
                    ActionDeclaration(name: "Done", actionTypeId: .commands, commands: ["echo after"], inputArtifacts: ["Src"]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "survivor"))
            try await withTimeout(.seconds(30), "the Wait action to start") {
                while !FileManager.default.fileExists(atPath: runs.path) { try await Task.sleep(for: .milliseconds(50)) }
            }
            try await cluster.restartCoordinator(signal: SIGKILL)
            _ = FileManager.default.createFile(atPath: gate.path, contents: nil)

            let execution = try await Self.waitForEnd(started.pipelineExecutionId, of: "survivor", in: cluster)
            #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
            #expect(try String(contentsOf: runs, encoding: .utf8) == "ran\n")
            // The worker reconnected to the new coordinator, which still runs new executions.
            let again: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "survivor"))
            #expect(try await Self.waitForEnd(again.pipelineExecutionId, of: "survivor", in: cluster).status == .succeeded)
        }
    }

    /// A YAML pipeline created through the CLI, started with a variable, whose second stage uses
    /// an output variable the first stage's worker produced.
    @Test func outputAndPipelineVariablesFlowAcrossStagesOnRealWorkers() async throws {
        try await BatonCluster.with(workers: 2) { cluster in
            try await Self.putSource(in: cluster, content: "x")
            let yaml = cluster.root.appendingPathComponent("pipeline.yml")
            try """
            pipeline:
              name: flow
              pipelineType: V2
              variables:
                - { name: Env, defaultValue: staging }
              stages:
                - name: Source
                  actions:
                    - name: Fetch
                      actionTypeId: { category: Source, owner: AWS, provider: S3, version: 1 }
                      configuration: { S3Bucket: b, S3ObjectKey: s.zip }
                      outputArtifacts: [ { name: Src } ]
                      namespace: SourceVars
                - name: Build
                  actions:
                    - name: Version
                      actionTypeId: { category: Compute, owner: AWS, provider: Commands, version: 1 }
                      commands: [ "export VERSION=4.2" ]
                      inputArtifacts: [ { name: Src } ]
                      outputVariables: [ VERSION ]
                      namespace: BuildVars
                - name: Deploy
                  actions:
                    - name: Record
                      actionTypeId: { category: Compute, owner: AWS, provider: Commands, version: 1 }
                      commands:
                        - echo "#{BuildVars.VERSION}/#{variables.Env}/#{SourceVars.ObjectKey}" > deployed.txt
                      inputArtifacts: [ { name: Src } ]
                      outputArtifacts: [ { name: Deployed, files: [ deployed.txt ] } ]
            """.write(to: yaml, atomically: true, encoding: .utf8)
            let endpoint = cluster.httpEndpoint.absoluteString
            let created = try await runBaton(["pipeline", "create", "-f", yaml.path, "--endpoint", endpoint])
            #expect(created.status == 0, "\(created.stderr)")
            let started = try await runBaton(["start", "flow", "--variable", "Env=prod", "--endpoint", endpoint])
            #expect(started.status == 0, "\(started.stderr)")
            let id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let execution = try await Self.waitForEnd(id, of: "flow", in: cluster)
            #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
            #expect(execution.variables?.map(\.resolvedValue) == ["prod"])
            let digest = try #require(execution.artifactRevisions.first { $0.name == "Deployed" }?.revisionId)
            let object = cluster.dataDirectory.appendingPathComponent("artifacts/objects/\(digest.prefix(2))/\(digest)")
            #expect(try await runTool("/usr/bin/unzip", ["-p", object.path, "deployed.txt"]).output == "4.2/prod/s.zip\n")

            // The YAML view of the stored pipeline reads back as the same declaration.
            let shown = try await runBaton(["pipeline", "get", "flow", "--yaml", "--endpoint", endpoint])
            #expect(shown.stdout.contains("name: flow"))
            #expect(shown.stdout.contains("VERSION"))
        }
    }
}
