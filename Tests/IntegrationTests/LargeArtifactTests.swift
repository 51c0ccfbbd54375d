import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// A large artifact on its fast paths, through real processes: the producing worker hashes it
/// while sending (PUT_END carries the digest), and the coordinator reads the consumer's FETCHes
/// side by side but answers them in order.
@Suite(.timeLimit(.minutes(3))) struct LargeArtifactTests {
    @Test func aLargeOutputReachesTheNextActionIntactWithoutAStall() async throws {
        // 64 KiB chunks: the 12 MiB archive is about 200 of them, with 8 FETCHes in flight.
        let arguments = ["--artifact-chunk-kib", "64"]
        try await BatonCluster.with(workers: 1, coordinatorArguments: arguments) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let pipeline = PipelineDeclaration(name: "large", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Build", actions: [
                    ActionDeclaration(name: "Make", actionTypeId: .commands, commands: [
                        "head -c 12582912 /dev/urandom > big.bin",
                        "sha256sum big.bin > big.sha256",
                    ], inputArtifacts: ["Src"], outputArtifacts: [OutputArtifact(name: "Big", files: ["big.bin", "big.sha256"])]),
                ]),
                StageDeclaration(name: "Check", actions: [
                    ActionDeclaration(name: "Verify", actionTypeId: .commands, commands: ["sha256sum -c big.sha256"], inputArtifacts: ["Big"]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "large"))
            let execution = try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "large", in: cluster)
            #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
            // Chunks out of order would be skipped and asked for again after a stall.
            let workerLog = try String(contentsOf: cluster.root.appendingPathComponent("worker-1.log"), encoding: .utf8)
            #expect(!workerLog.contains("asking again for a stalled download"))
            #expect(!workerLog.contains("resuming"))
        }
    }
}
