import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// A job's output streams live to the coordinator and is kept whole as a checksummed artifact.
@Suite(.timeLimit(.minutes(3))) struct JobLogTests {
    @Test func aJobsOutputIsStreamedLiveAndKeptAsAnArtifact() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let marker = "log-marker-\(UUID().uuidString.prefix(8))"
            let gate = cluster.root.appendingPathComponent("gate")
            let pipeline = PipelineDeclaration(name: "logs", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Build", actions: [
                    ActionDeclaration(name: "Talk", actionTypeId: .commands, commands: [
                        "echo first-\(marker)",
                        "while [ ! -e \(gate.path) ]; do sleep 0.05; done",
                        "echo last-\(marker)",
                    ], inputArtifacts: ["Src"]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "logs"))

            // While the job still runs, its first line is already on the coordinator.
            let logs = cluster.dataDirectory.appendingPathComponent("logs")
            try await withTimeout(.seconds(30), "the live log line") {
                while true {
                    let files = (try? FileManager.default.contentsOfDirectory(at: logs, includingPropertiesForKeys: nil)) ?? []
                    if files.contains(where: { ((try? String(contentsOf: $0, encoding: .utf8)) ?? "").contains("first-\(marker)") }) { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            // `baton logs --follow` shows the line now and the rest as it comes, then exits 0.
            let followed = cluster.root.appendingPathComponent("followed.txt")
            let follower = try ChildProcess.launch(
                try BatonCluster.executable, ["logs", "logs", "Build", "Talk", "--follow", "--endpoint", cluster.httpEndpoint.absoluteString], log: followed)
            defer { follower.kill() }
            _ = try await follower.waitForLine(prefix: "first-\(marker)", timeout: .seconds(30))
            #expect(!((try? String(contentsOf: followed, encoding: .utf8)) ?? "").contains("last-\(marker)"))
            FileManager.default.createFile(atPath: gate.path, contents: nil)
            #expect(try await follower.waitForExit(timeout: .seconds(30)) == 0)
            let whole = try String(contentsOf: followed, encoding: .utf8)
            #expect(whole.contains("[Container] Running command echo last-\(marker)\nlast-\(marker)"), "\(whole)")
            let execution = try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "logs", in: cluster)
            #expect(execution.status == .succeeded)
            let again = try await runBaton(["logs", "logs", "Build", "Talk", "--endpoint", cluster.httpEndpoint.absoluteString])
            #expect(again.status == 0 && again.stdout == whole, "a finished log prints the same")

            // The whole log is a stored artifact: its name is the SHA-256 of its bytes.
            let objects = cluster.dataDirectory.appendingPathComponent("artifacts/objects")
            let stored = (FileManager.default.subpaths(atPath: objects.path) ?? []).map { objects.appendingPathComponent($0) }
            let logObject = stored.first { ((try? String(contentsOf: $0, encoding: .utf8)) ?? "").contains("last-\(marker)") }
            let object = try #require(logObject, "no stored artifact holds the job's log")
            let text = try String(contentsOf: object, encoding: .utf8)
            #expect(text.contains("first-\(marker)"))
            #expect(text.contains("[Container] Running command echo last-\(marker)"))
            let digest = try await runTool("/usr/bin/sha256sum", [object.path])
            #expect(digest.output.hasPrefix(object.lastPathComponent))

            // The job made files (its log, its source tree); the worker removed its directory once
            // the result was in. The source action made none and left none.
            // (The worker removes it after sending the result, so it may be a moment behind.)
            let jobs = cluster.root.appendingPathComponent("work/worker-1/jobs")
            var left = ["not listed yet"]
            for _ in 0..<100 where !left.isEmpty {
                left = (try? FileManager.default.contentsOfDirectory(atPath: jobs.path)) ?? []
                if !left.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(left.isEmpty, "job directories left behind: \(left)")
        }
    }
}
