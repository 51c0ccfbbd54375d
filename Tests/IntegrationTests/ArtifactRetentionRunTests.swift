import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// `baton artifacts gc` against a real coordinator: old executions' artifacts go, the rest stay.
@Suite(.timeLimit(.minutes(3))) struct ArtifactRetentionRunTests {
    @Test func gcDeletesOnlyArtifactsOutsideTheRetentionPolicy() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let pipeline = PipelineDeclaration(name: "kept", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Build", actions: [ActionDeclaration(name: "Cat", actionTypeId: .commands, commands: ["cat file.txt"], inputArtifacts: ["Src"])]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            // Per run: the source archive and the two actions' logs.
            var runs: [Set<ArtifactDigest>] = []
            for run in 1...2 {
                try await PipelineRunTests.putSource(in: cluster, content: "run \(run)")
                let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "kept"))
                let execution = try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "kept", in: cluster)
                #expect(execution.status == .succeeded)
                let objects = ((try? FileManager.default.subpathsOfDirectory(atPath: cluster.dataDirectory.appendingPathComponent("artifacts/objects").path)) ?? [])
                    .compactMap { ArtifactDigest(hex: URL(fileURLWithPath: $0).lastPathComponent) }
                runs.append(Set(objects).subtracting(runs.reduce(into: Set()) { $0.formUnion($1) }))
            }
            try #require(runs.map(\.count) == [3, 3], "a source archive and two logs per run")
            let first = try #require(runs[0].sorted { $0.hex < $1.hex }.first)
            let second = try #require(runs[1].sorted { $0.hex < $1.hex }.first)

            let endpoint = cluster.httpEndpoint.absoluteString
            let common = ["artifacts", "gc", "--endpoint", endpoint, "--keep-executions", "1", "--keep-days", "0", "--minimum-age", "0", "--output", "json"]
            let dry = try await runBaton(common + ["--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains(first.hex))
            let objectOne = cluster.dataDirectory.appendingPathComponent("artifacts/objects/\(first.hex.prefix(2))/\(first.hex)")
            #expect(FileManager.default.fileExists(atPath: objectOne.path), "a dry run deletes nothing")

            let real = try await runBaton(common)
            #expect(real.status == 0, "\(real.stderr)")
            let output = try JSONDecoder().decode(CollectArtifactsOutput.self, from: Data(real.stdout.utf8))
            #expect(Set(output.deleted) == Set(runs[0].map(\.hex)))
            #expect(!FileManager.default.fileExists(atPath: objectOne.path))
            let objectTwo = cluster.dataDirectory.appendingPathComponent("artifacts/objects/\(second.hex.prefix(2))/\(second.hex)")
            #expect(FileManager.default.fileExists(atPath: objectTwo.path), "the newest execution's artifact stays")

            let again = try await runBaton(common)
            #expect(try JSONDecoder().decode(CollectArtifactsOutput.self, from: Data(again.stdout.utf8)).deleted.isEmpty)
            let bad = try await runBaton(["artifacts", "gc", "--endpoint", endpoint, "--keep-executions", "0"])
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("keepExecutions must be at least 1"))
        }
    }
}
