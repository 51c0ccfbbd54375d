import BatonAPI
import BatonModel
import BatonProtocol
import BatonTesting
import Crypto
import Foundation
import Testing

/// Uploads are known by id, not by connection: a worker that reconnects mid-upload goes on from
/// the bytes the coordinator already staged.
@Suite(.timeLimit(.minutes(3))) struct ArtifactResumeTests {
    static let mebibyte = 1 << 20

    static func credit(_ peer: ProtocolPeer, _ id: String, atLeast have: Int64 = 0) async throws -> PutCredit {
        try await peer.receive("PUT_CREDIT for \(id) with have ≥ \(have)") {
            if case .putCredit(let credit) = $0, credit.uploadId == id, credit.have >= have { credit } else { nil }
        }
    }

    static func done(_ peer: ProtocolPeer, _ id: String) async throws -> PutDone {
        try await peer.receive("PUT_DONE for \(id)") { if case .putDone(let done) = $0, done.uploadId == id { done } else { nil } }
    }

    static func randomBytes(_ count: Int) throws -> [UInt8] {
        let urandom = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
        defer { try? urandom.close() }
        return Array(try urandom.read(upToCount: count) ?? Data())
    }

    static func sendChunks(_ bytes: [UInt8], from start: Int, to end: Int, id: String, on peer: ProtocolPeer) {
        var offset = start
        while offset < end {
            let next = min(offset + mebibyte, end)
            peer.send(.putChunk(PutChunk(uploadId: id, offset: Int64(offset))), payload: Array(bytes[offset..<next]))
            offset = next
        }
    }

    /// A worker with many transfers at once can have many replies on their way: the coordinator
    /// queues them behind a worker that reads slowly instead of dropping them. Until session 17 it
    /// queued 32 (the credit × 4) and dropped the rest; a dropped PUT_DONE or CHUNK then cost its
    /// transfer a reply timeout.
    @Test func repliesWaitForAWorkerThatReadsSlowlyInsteadOfBeingDropped() async throws {
        try await BatonCluster.with { cluster in
            let bytes = try Self.randomBytes(4 * Self.mebibyte)
            let digest = ArtifactDigest(SHA256.hash(data: bytes))
            let uploader = try await ProtocolPeer(endpoint: cluster.artifactsEndpoint)
            let id = UUID().uuidString.lowercased()
            uploader.send(.putBegin(PutBegin(uploadId: id, digest: digest, size: Int64(bytes.count))))
            _ = try await Self.credit(uploader, id)
            Self.sendChunks(bytes, from: 0, to: bytes.count, id: id, on: uploader)
            uploader.send(.putEnd(PutEnd(uploadId: id)))
            #expect(try await Self.done(uploader, id).status == .ok)
            uploader.close()

            // 64 MiB of replies, far more than TCP holds, at a peer that takes nothing off its
            // socket until the coordinator has read and sent them all.
            let reader = try await ProtocolPeer(endpoint: cluster.artifactsEndpoint, receiveHighWaterMark: 1)
            defer { reader.close() }
            let fetches = 64
            for index in 0..<fetches {
                reader.send(.fetch(Fetch(digest: digest, offset: Int64(index % 4 * Self.mebibyte), length: Self.mebibyte)))
            }
            try await Task.sleep(for: .seconds(3))
            for index in 0..<fetches {
                let offset = Int64(index % 4 * Self.mebibyte)
                let chunk = try await reader.receive("CHUNK \(index + 1) of \(fetches)", within: .seconds(30)) {
                    if case .chunk(let chunk) = $0 { chunk } else { nil }
                }
                #expect(chunk.offset == offset)
            }
        }
    }

    @Test func anUploadCutByAReconnectGoesOnFromTheStagedBytes() async throws {
        try await BatonCluster.with { cluster in
            let bytes = try Self.randomBytes(12 * Self.mebibyte)
            let digest = ArtifactDigest(SHA256.hash(data: bytes))
            let id = UUID().uuidString.lowercased()

            // First connection: 5 MiB go out (the first window is 8 MiB); the credit that follows 4 MiB
            // proves they are staged.
            let first = try await ProtocolPeer(endpoint: cluster.artifactsEndpoint)
            first.send(.putBegin(PutBegin(uploadId: id, digest: digest, size: Int64(bytes.count))))
            #expect(try await Self.credit(first, id).have == 0)
            Self.sendChunks(bytes, from: 0, to: 5 * Self.mebibyte, id: id, on: first)
            _ = try await Self.credit(first, id, atLeast: Int64(4 * Self.mebibyte))
            first.close()

            // A new connection (a new routing id) resumes the same upload.
            let second = try await ProtocolPeer(endpoint: cluster.artifactsEndpoint)
            defer { second.close() }
            second.send(.putBegin(PutBegin(uploadId: id, digest: digest, size: Int64(bytes.count))))
            let resumed = try await Self.credit(second, id)
            #expect(resumed.have >= Int64(4 * Self.mebibyte))
            // A chunk the coordinator already holds, sent again, is ignored rather than refused.
            second.send(.putChunk(PutChunk(uploadId: id, offset: 0)), payload: Array(bytes[0..<Self.mebibyte]))
            Self.sendChunks(bytes, from: Int(resumed.have), to: bytes.count, id: id, on: second)
            second.send(.putEnd(PutEnd(uploadId: id)))
            let done = try await Self.done(second, id)
            #expect(done.status == .ok, "\(done.message ?? "")")

            // Committed under its digest: beginning it again finds the object.
            let again = UUID().uuidString.lowercased()
            second.send(.putBegin(PutBegin(uploadId: again, digest: digest, size: Int64(bytes.count))))
            #expect(try await Self.done(second, again).status == .ok)
        }
    }

    /// The coordinator is killed while a worker uploads a 16 MiB output; the restarted coordinator
    /// does not know the upload, the worker begins it again there, and the action is not run twice.
    /// Small chunks and one chunk of credit stretch the upload over thousands of round trips, so the
    /// kill lands in it even on a loaded machine.
    @Test func anUploadCutByACoordinatorRestartIsResumedAndTheActionRunsOnce() async throws {
        let arguments = ["--heartbeat-interval", "500", "--artifact-chunk-kib", "4", "--artifact-credit", "1"]
        try await BatonCluster.with(workers: 1, stablePorts: true, coordinatorArguments: arguments) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let runs = cluster.root.appendingPathComponent("runs")
            let pipeline = PipelineDeclaration(name: "bulky", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Build", actions: [
                    ActionDeclaration(name: "Big", actionTypeId: .commands, commands: [
                        "echo ran >> \(runs.path)",
                        "head -c 16777216 /dev/urandom > big.bin",
                    ], inputArtifacts: ["Src"], outputArtifacts: [OutputArtifact(name: "Big", files: ["big.bin"])]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "bulky"))

            // Once the Build action runs, the first staged upload is its big output.
            let staging = cluster.dataDirectory.appendingPathComponent("artifacts/staging")
            // A thread of its own watches for it and kills the coordinator the moment it appears:
            // the upload lasts well under a second, and under a full parallel test run a sleeping
            // task can wake too late to see it.
            let coordinatorPID = cluster.coordinatorProcess.pid
            let seen = await Self.watchThread(timeout: 90) {
                guard FileManager.default.fileExists(atPath: runs.path),
                      ((try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []).contains(where: { $0.hasSuffix(".part") })
                else { return false }
                kill(coordinatorPID, SIGKILL)
                return true
            }
            #expect(seen, "the big upload did not begin within 90 s")
            try await cluster.restartCoordinator(signal: SIGKILL)

            let execution = try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "bulky", in: cluster)
            #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
            #expect(try String(contentsOf: runs, encoding: .utf8) == "ran\n")
            let workerLog = try String(contentsOf: cluster.root.appendingPathComponent("worker-1.log"), encoding: .utf8)
            #expect(workerLog.contains("resuming an upload"))
        }
    }

    /// Polls `condition` every millisecond on a thread of its own (not the cooperative pool);
    /// true once it holds, false after `timeout` seconds.
    static func watchThread(timeout: Double, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let end = Date().addingTimeInterval(timeout)
                while Date() < end {
                    if condition() { return continuation.resume(returning: true) }
                    usleep(1000)
                }
                continuation.resume(returning: false)
            }
            thread.start()
        }
    }

    /// A worker may hash a large file while sending it: PUT_BEGIN without a digest, PUT_END with
    /// it. The coordinator verifies the bytes against that digest as it would against PUT_BEGIN's.
    @Test func anUploadNamingItsDigestAtTheEndIsVerifiedAgainstIt() async throws {
        try await BatonCluster.with { cluster in
            let bytes = try Self.randomBytes(3 * Self.mebibyte + 17)
            let digest = ArtifactDigest(SHA256.hash(data: bytes))
            let peer = try await ProtocolPeer(endpoint: cluster.artifactsEndpoint)
            defer { peer.close() }
            func upload(declaring declared: ArtifactDigest?) async throws -> PutDone {
                let id = UUID().uuidString.lowercased()
                peer.send(.putBegin(PutBegin(uploadId: id, digest: nil, size: Int64(bytes.count))))
                _ = try await Self.credit(peer, id)
                Self.sendChunks(bytes, from: 0, to: bytes.count, id: id, on: peer)
                peer.send(.putEnd(PutEnd(uploadId: id, digest: declared)))
                return try await Self.done(peer, id)
            }

            let wrong = ArtifactDigest(SHA256.hash(data: Array("not these bytes".utf8)))
            let refused = try await upload(declaring: wrong)
            #expect(refused.status == .badChecksum)
            #expect(refused.message == "declared \(wrong) but the bytes hash to \(digest)")

            let unnamed = try await upload(declaring: nil)
            #expect(unnamed.status == .failed)
            #expect(unnamed.message?.contains("neither PUT_BEGIN nor PUT_END gave the upload's SHA-256") == true)

            let accepted = try await upload(declaring: digest)
            #expect(accepted.status == .ok, "\(accepted.message ?? "")")
            // Committed under its digest: beginning it again with the digest finds the object.
            let again = UUID().uuidString.lowercased()
            peer.send(.putBegin(PutBegin(uploadId: again, digest: digest, size: Int64(bytes.count))))
            #expect(try await Self.done(peer, again).status == .ok)
        }
    }

    @Test func resumingAnUploadWithOtherContentIsRefused() async throws {
        try await BatonCluster.with { cluster in
            let id = UUID().uuidString.lowercased()
            let original = ArtifactDigest(SHA256.hash(data: Array("one".utf8)))
            let other = ArtifactDigest(SHA256.hash(data: Array("two".utf8)))
            let peer = try await ProtocolPeer(endpoint: cluster.artifactsEndpoint)
            defer { peer.close() }
            peer.send(.putBegin(PutBegin(uploadId: id, digest: original, size: 3)))
            _ = try await Self.credit(peer, id)
            peer.send(.putBegin(PutBegin(uploadId: id, digest: other, size: 3)))
            let done = try await Self.done(peer, id)
            #expect(done.status == .failed)
            #expect(done.message?.contains("in progress for other content") == true)
        }
    }
}
