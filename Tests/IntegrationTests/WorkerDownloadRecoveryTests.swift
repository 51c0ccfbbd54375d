import BatonModel
import BatonProtocol
import BatonTesting
import Crypto
import Foundation
import Logging
import Synchronization
import Testing
import ZeroMQ

/// A real `baton worker` against a scripted coordinator that drops one CHUNK: the worker skips
/// the chunks that arrive out of order, notices the stall after its reply timeout, asks again from
/// the first missing byte, and runs the job. Before the watchdog such a download waited forever.
@Suite(.timeLimit(.minutes(2))) struct WorkerDownloadRecoveryTests {
    static let chunkSize = 4096

    /// A ROUTER pair (control and artifacts) that speaks just enough JWP/1 for one job.
    final class ScriptedCoordinator: Sendable {
        let loop: SocketLoop
        let control: OpenedSocket
        let artifacts: OpenedSocket
        private let runner: Task<Void, Never>

        init() async throws {
            var logger = Logger(label: "scripted-coordinator")
            logger.logLevel = .warning
            let loop = try SocketLoop(context: try ZeroMQContext(), logger: logger, name: "scripted")
            self.loop = loop
            runner = Task { try? await loop.run() }
            control = try await loop.open(SocketSpec(.router, bind: ["tcp://127.0.0.1:*"]))
            artifacts = try await loop.open(SocketSpec(.router, bind: ["tcp://127.0.0.1:*"]))
        }

        func close() {
            loop.stop()
            runner.cancel()
        }

        func send(_ message: CoordinatorMessage, to peer: Frame, on socket: OpenedSocket, payload: [UInt8]? = nil) {
            var frames = [peer] + WireCodec.frames(message).map { Frame($0) }
            if let payload { frames.append(Frame(payload)) }
            loop.post(Message(frames), on: socket.handle)
        }

        static func decode(_ raw: Message) -> (peer: Frame, message: WorkerMessage)? {
            guard raw.frames.count >= 2 else { return nil }
            let body = raw.frames.dropFirst()
            let small = body.prefix(3).map(\.bytes) + Array(repeating: [], count: max(0, body.count - 3))
            guard let envelope = try? WireCodec.envelope(small), let message = try? WireCodec.decodeWorkerMessage(envelope) else { return nil }
            return (raw.frames[0], message)
        }

        static func port(of endpoint: String) -> Int? {
            endpoint.split(separator: ":").last.flatMap { Int($0) }
        }
    }

    @Test func aDroppedChunkIsAskedForAgainAndTheJobRuns() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("src"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // An input archive of several chunks: a 64 KiB file that does not compress.
        let urandom = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
        try (try urandom.read(upToCount: 64 << 10) ?? Data()).write(to: root.appendingPathComponent("src/noise.bin"))
        try urandom.close()
        let archive = root.appendingPathComponent("input.zip")
        let zipped = try await runTool("/bin/sh", ["-c", "cd \"$1\" && zip -qr \"$2\" .", "sh", root.appendingPathComponent("src").path, archive.path])
        #expect(zipped.status == 0, "\(zipped.output)")
        let bytes = Array(try Data(contentsOf: archive))
        let digest = ArtifactDigest(SHA256.hash(data: bytes))
        #expect(bytes.count > 4 * Self.chunkSize)

        let fake = try await ScriptedCoordinator()
        defer { fake.close() }
        let controlEndpoint = try #require(fake.control.boundEndpoints.first)
        let artifactEndpoint = try #require(fake.artifacts.boundEndpoints.first)
        let artifactPort = try #require(ScriptedCoordinator.port(of: artifactEndpoint))
        let worker = try ChildProcess.launch(
            try BatonCluster.executable,
            ["worker", "--coordinator", controlEndpoint, "--work-dir", root.appendingPathComponent("work").path,
             "--worker-id", "w1", "--buckets", root.appendingPathComponent("buckets").path, "--log-level", "debug"],
            log: root.appendingPathComponent("worker.log"))
        defer { worker.kill() }

        let welcome = try JSONDecoder().decode(Welcome.self, from: Data("""
            {"artifactPort":\(artifactPort),"chunkSize":\(Self.chunkSize),"credit":4,"epoch":"e","heartbeatIntervalMs":1000,"heartbeatLiveness":30}
            """.utf8))
        let jobID = "5d1f3a2e-0000-4000-8000-000000000001"
        let nonce = "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10"
        let offer = try JSONDecoder().decode(JobOffer.self, from: Data("""
            {"attempt":1,"data":{"actionConfiguration":{"configuration":{}},"actionTypeId":{"category":"Compute","owner":"AWS","provider":"Commands","version":"1"},
             "commands":["test -s noise.bin"],
             "inputArtifacts":[{"location":{"s3Location":{"bucketName":"baton-artifacts","objectKey":"sha256/\(digest.hex)"},"type":"S3"},"name":"Src","sha256":"\(digest.hex)","size":\(bytes.count)}],
             "outputArtifacts":[],
             "pipelineContext":{"action":{"actionExecutionId":"a-1","name":"Check"},"pipelineExecutionId":"e-1","pipelineName":"p","stage":{"name":"Build"}}},
             "jobId":"\(jobID)","jobSeq":1,"nonce":"\(nonce)"}
            """.utf8))

        // The artifact side: every FETCH answered, except the first one for offset 0.
        let droppedOnce = Atomic<Bool>(false)
        let fetchesAtZero = Atomic<Int>(0)
        let artifactServer = Task {
            for await raw in fake.artifacts.inbound {
                guard let (peer, message) = ScriptedCoordinator.decode(raw) else { continue }
                if case .putBegin(let begin) = message {
                    // The job's log: taken as already stored.
                    fake.send(.putDone(PutDone(uploadId: begin.uploadId, status: .ok)), to: peer, on: fake.artifacts)
                    continue
                }
                guard case .fetch(let fetch) = message else { continue }
                if fetch.offset == 0 {
                    fetchesAtZero.add(1, ordering: .relaxed)
                    if !droppedOnce.exchange(true, ordering: .relaxed) { continue }
                }
                let start = Int(fetch.offset)
                let end = min(start + fetch.length, bytes.count)
                fake.send(.chunk(Chunk(digest: fetch.digest, offset: fetch.offset, eof: end == bytes.count)),
                          to: peer, on: fake.artifacts, payload: Array(bytes[start..<end]))
            }
        }
        defer { artifactServer.cancel() }

        // The control side, until the job's result arrives.
        let workerLog = root.appendingPathComponent("worker.log")
        let result: WorkerMessage
        do {
            result = try await Self.serveControl(fake, welcome: welcome, offer: offer)
        } catch {
            throw ClusterError("\(error)\n--- worker log ---\n\((try? String(contentsOf: workerLog, encoding: .utf8))?.suffix(4000) ?? "")")
        }
        guard case .success(let succeeded) = result else {
            Issue.record("the job failed: \(result)")
            return
        }
        #expect(succeeded.jobId.rawValue == jobID)
        #expect(fetchesAtZero.load(ordering: .relaxed) == 2)
        let log = try String(contentsOf: workerLog, encoding: .utf8)
        #expect(log.contains("asking again for a stalled download"))
    }

    /// Answers HELLO, one POLL with the job, ACK and HEARTBEAT, until a result arrives.
    static func serveControl(_ fake: ScriptedCoordinator, welcome: Welcome, offer: JobOffer) async throws -> WorkerMessage {
        try await withTimeout(.seconds(60), "the job's result") {
            var offered = false
            for await raw in fake.control.inbound {
                guard let (peer, message) = ScriptedCoordinator.decode(raw) else { continue }
                switch message {
                case .hello:
                    fake.send(.welcome(welcome), to: peer, on: fake.control)
                case .poll where !offered:
                    offered = true
                    fake.send(.job(offer), to: peer, on: fake.control)
                case .ack(let claim):
                    fake.send(.acked(Acked(jobId: claim.jobId, nonce: claim.nonce, status: .inProgress)), to: peer, on: fake.control)
                case .heartbeat:
                    fake.send(.heartbeat(CoordinatorHeartbeat(epoch: "e")), to: peer, on: fake.control)
                case .success, .failure:
                    return message
                default:
                    continue
                }
            }
            throw CancellationError()
        }
    }
}
