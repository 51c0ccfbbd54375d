import BatonModel
import Foundation
import Testing
@testable import BatonProtocol

@Suite struct WireCodecTests {
    static let digest = ArtifactDigest(hex: String(repeating: "ab", count: 32))!
    static let jobID = JobID(rawValue: "5d1f3a2e-0000-4000-8000-000000000001")
    static let otherJobID = JobID(rawValue: "5d1f3a2e-0000-4000-8000-000000000002")
    static let thirdJobID = JobID(rawValue: "5d1f3a2e-0000-4000-8000-000000000003")
    static let jobData = JobData(
        actionTypeId: .commands, configuration: ["Key": "Value"],
        pipelineContext: PipelineContext(
            pipelineName: "hello", stageName: "Build", actionName: "Compile",
            actionExecutionID: ActionExecutionID(rawValue: "a-1"), executionID: ExecutionID(rawValue: "e-1")),
        inputArtifacts: [JobArtifact.input(ArtifactReference(name: "Src", digest: digest, size: 42))],
        outputArtifacts: [JobArtifact.output(OutputArtifact(name: "Out", files: ["dist/**"]))],
        commands: ["make"])

    static let workerMessages: [WorkerMessage] = [
        .hello(Hello(workerId: "w1", session: "s1", actionTypes: [.commands], labels: ["env": "prod"], maxSlots: 2, running: [JobClaim(jobId: jobID, nonce: "n")])),
        .poll(Poll(freeSlots: 2, lastJobSeq: 7)),
        .ack(JobAck(jobId: jobID, nonce: "n")),
        .ack(JobAck(jobId: jobID, nonce: "n", started: true)),
        .reject(JobRejected(jobId: jobID, nonce: "n", reason: "busy")),
        .progress(JobProgress(jobId: jobID, nonce: "n", percentComplete: 40, summary: "half", externalExecutionId: "x-1")),
        .details(JobClaim(jobId: jobID, nonce: "n")),
        .success(JobSucceeded(jobId: jobID, nonce: "n", resultId: "r2", outputs: ActionOutputs(artifacts: [], variables: [:]), continuationToken: "page-2")),
        .log(LogChunk(jobId: jobID, nonce: "n", stream: "stdout", offset: 10)),
        .success(JobSucceeded(jobId: jobID, nonce: "n", resultId: "r", outputs: ActionOutputs(artifacts: [ArtifactReference(name: "Out", digest: digest, size: 1)], variables: ["V": "1"], summary: "ok"))),
        .failure(JobFailed(jobId: jobID, nonce: "n", resultId: "r", failure: FailureDetails(type: .configurationError, message: "bad"))),
        .heartbeat(WorkerHeartbeat(running: [], freeSlots: 1)),
        .disconnect(Disconnect(reason: "bye")),
        .fetch(Fetch(digest: digest, offset: 0, length: 1024)),
        .putBegin(PutBegin(uploadId: "u", digest: digest, size: 5)),
        .putBegin(PutBegin(uploadId: "u", digest: nil, size: 5)),
        .putChunk(PutChunk(uploadId: "u", offset: 0)),
        .putEnd(PutEnd(uploadId: "u")),
        .putEnd(PutEnd(uploadId: "u", digest: digest)),
    ]

    static let coordinatorMessages: [CoordinatorMessage] = [
        .welcome(Welcome(epoch: "e", heartbeatIntervalMs: 2000, heartbeatLiveness: 5, artifactPort: 7601, chunkSize: 1 << 20, credit: 8)),
        .job(JobOffer(jobSeq: 1, jobId: jobID, nonce: "n", attempt: 1, data: jobData)),
        .acked(Acked(jobId: jobID, nonce: "n", status: .invalidNonce)),
        .resultAck(ResultAck(jobId: jobID, nonce: "n", resultId: "r", outcome: .missingArtifacts, missing: ["Out"])),
        .cancel(JobCancelled(jobId: jobID, nonce: "n", reason: "abandoned")),
        .details(JobDetails(jobId: jobID, nonce: "n", status: .inProgress, data: jobData)),
        .heartbeat(CoordinatorHeartbeat(epoch: "e")),
        .disconnect(Disconnect(reason: "unknown")),
        .chunk(Chunk(digest: digest, offset: 0, eof: true)),
        .putCredit(PutCredit(uploadId: "u", have: 0, window: 8)),
        .putDone(PutDone(uploadId: "u", status: .badChecksum, message: "mismatch")),
        .artifactError(ArtifactError(code: .notFound, message: "no", digest: digest)),
    ]

    static func withPayload(_ frames: [[UInt8]]) -> [[UInt8]] {
        guard let command = Command(rawValue: frames[1][0]), command.hasPayload else { return frames }
        return frames + [[1, 2, 3]]
    }

    @Test func everyWorkerMessageRoundTrips() throws {
        for message in Self.workerMessages {
            let frames = Self.withPayload(WireCodec.frames(message))
            #expect(try WireCodec.decodeWorkerMessage(WireCodec.envelope(frames)) == message)
        }
    }

    @Test func everyCoordinatorMessageRoundTrips() throws {
        for message in Self.coordinatorMessages {
            let frames = Self.withPayload(WireCodec.frames(message))
            #expect(try WireCodec.decodeCoordinatorMessage(WireCodec.envelope(frames)) == message)
        }
    }

    @Test func commandBytesAreUniqueAndDirectional() {
        #expect(Set(Command.allCases.map(\.rawValue)).count == Command.allCases.count)
        for message in Self.workerMessages { #expect(WireCodec.frames(message)[1][0] & 0x80 == 0) }
        for message in Self.coordinatorMessages { #expect(WireCodec.frames(message)[1][0] & 0x80 != 0) }
    }

    struct Garbage: CustomTestStringConvertible, Sendable {
        let name: String
        let frames: [[UInt8]]
        let expected: ProtocolError
        var testDescription: String { name }
    }

    static let garbage: [Garbage] = [
        Garbage(name: "one frame", frames: [Array("JWP1".utf8)], expected: .wrongFrameCount(1, command: nil)),
        Garbage(name: "wrong signature", frames: [Array("HTTP".utf8), [0x02], Array("{}".utf8)], expected: .badSignature(found: Array("HTTP".utf8))),
        Garbage(name: "unknown command", frames: [Array("JWP1".utf8), [0x7f], Array("{}".utf8)], expected: .unknownCommand(0x7f)),
        Garbage(name: "two-byte command", frames: [Array("JWP1".utf8), [0x02, 0x02], Array("{}".utf8)], expected: .unknownCommand(0x02)),
        Garbage(name: "payload on POLL", frames: [Array("JWP1".utf8), [0x02], Array("{}".utf8), [1]], expected: .wrongFrameCount(4, command: .poll)),
        Garbage(name: "LOG without payload", frames: [Array("JWP1".utf8), [0x06], Array("{}".utf8)], expected: .wrongFrameCount(3, command: .log)),
        Garbage(name: "oversized header", frames: [Array("JWP1".utf8), [0x02], [UInt8](repeating: 32, count: 65 * 1024)], expected: .headerTooLarge(65 * 1024, limit: 64 * 1024)),
    ]

    @Test(arguments: garbage)
    func garbageIsRefusedWithAPreciseError(_ testCase: Garbage) {
        #expect(throws: testCase.expected) { try WireCodec.envelope(testCase.frames) }
    }

    @Test func malformedHeadersNameTheMissingField() throws {
        let envelope = try WireCodec.envelope([Array("JWP1".utf8), [0x02], Array(#"{"freeSlots": 1}"#.utf8)])
        let error = #expect(throws: ProtocolError.self) { try WireCodec.decodeWorkerMessage(envelope) }
        #expect(error?.description == "POLL header is not valid: missing required field 'lastJobSeq'")
        let notJSON = try WireCodec.envelope([Array("JWP1".utf8), [0x09], Array("garbage".utf8)])
        let garbage = #expect(throws: ProtocolError.self) { try WireCodec.decodeWorkerMessage(notJSON) }
        #expect(garbage?.description == "HEARTBEAT header is not valid: not valid JSON")
    }

    /// A number that is not the integer a field needs is named as such, with its path, not as bad
    /// JSON (Foundation's decoder says "not valid JSON" with no path); whole numbers written with an
    /// exponent or a zero fraction are integers, as the decoders take them.
    @Test func aFractionWhereAnIntegerBelongsNamesTheField() throws {
        let envelope = try WireCodec.envelope([Array("JWP1".utf8), [0x02], Array(#"{"freeSlots": 1.5, "lastJobSeq": 0}"#.utf8)])
        let error = #expect(throws: ProtocolError.self) { try WireCodec.decodeWorkerMessage(envelope) }
        #expect(error?.description == "POLL header is not valid: 'freeSlots' should be a 64-bit whole number, not 1.5")
        let nested = try WireCodec.envelope([Array("JWP1".utf8), [Command.success.rawValue], Array(#"""
            {"jobId":"j","nonce":"n","resultId":"r","poll":{"freeSlots":1e1,"lastJobSeq":2.0},"outputs":{"artifacts":[{"name":"a","digest":"\#(String(repeating: "ab", count: 32))","size":2.5e0}],"variables":{}}}
            """#.utf8)])
        let deep = #expect(throws: ProtocolError.self) { try WireCodec.decodeWorkerMessage(nested) }
        #expect(deep?.description == "SUCCESS header is not valid: 'outputs.artifacts.0.size' should be a 64-bit whole number, not 2.5e0")
    }

    /// A worker sizes its artifact buffers and queues and its timers by WELCOME's numbers: one
    /// out of range (zero credit, a credit that would overflow a queue size) is refused by name.
    @Test func aWelcomeOutOfRangeIsRefusedByName() throws {
        let good = Welcome(epoch: "e", heartbeatIntervalMs: 2000, heartbeatLiveness: 5, artifactPort: 7601, chunkSize: 1 << 20, credit: 8)
        func decoded(_ welcome: Welcome) throws -> CoordinatorMessage {
            try WireCodec.decodeCoordinatorMessage(try WireCodec.envelope(WireCodec.frames(CoordinatorMessage.welcome(welcome))))
        }
        #expect(try decoded(good) == .welcome(good))
        let broken: [(WritableKeyPath<Welcome, Int>, Int, String)] = [
            (\.credit, 0, "'credit' is 0; expected 1...64"),
            (\.credit, Int.max, "'credit' is \(Int.max); expected 1...64"),
            (\.chunkSize, 100, "'chunkSize' is 100; expected 1024...8388608"),
            (\.heartbeatIntervalMs, -1, "'heartbeatIntervalMs' is -1; expected 1...3600000"),
            (\.heartbeatLiveness, 0, "'heartbeatLiveness' is 0; expected 1...1000"),
            (\.artifactPort, 70_000, "'artifactPort' is 70000; expected 1...65535"),
        ]
        for (field, value, reason) in broken {
            var welcome = good
            welcome[keyPath: field] = value
            #expect(throws: ProtocolError.malformedHeader(.welcome, reason: reason)) { try decoded(welcome) }
        }
    }

    @Test func aCoordinatorCommandFromAWorkerIsRefused() throws {
        let envelope = try WireCodec.envelope(WireCodec.frames(CoordinatorMessage.heartbeat(CoordinatorHeartbeat(epoch: "e"))))
        #expect(throws: ProtocolError.unexpectedCommand(.coordinatorHeartbeat, socket: "coordinator")) {
            try WireCodec.decodeWorkerMessage(envelope)
        }
    }

    @Test func batchesRoundTripInOrder() throws {
        let fromWorker: [WorkerMessage] = [
            .success(JobSucceeded(jobId: Self.jobID, nonce: "n", resultId: "r", outputs: ActionOutputs(artifacts: [], variables: [:]), poll: Poll(freeSlots: 1, lastJobSeq: 3))),
            .heartbeat(WorkerHeartbeat(running: [], freeSlots: 1)),
            .poll(Poll(freeSlots: 2, lastJobSeq: 3)),
        ]
        guard case .batch(let envelopes) = try WireCodec.contents(WireCodec.batchFrames(fromWorker)) else {
            Issue.record("a worker's BATCH read as one message")
            return
        }
        #expect(try envelopes.map(WireCodec.decodeWorkerMessage) == fromWorker)

        let fromCoordinator: [CoordinatorMessage] = [
            .resultAck(ResultAck(jobId: Self.jobID, nonce: "n", resultId: "r", outcome: .accepted)),
            .job(JobOffer(jobSeq: 4, jobId: Self.jobID, nonce: "m", attempt: 1, data: Self.jobData)),
        ]
        let frames = WireCodec.batchFrames(fromCoordinator)
        #expect(frames.count == 2 + 2 * fromCoordinator.count)
        #expect(frames[1] == [Command.coordinatorBatch.rawValue])
        guard case .batch(let replies) = try WireCodec.contents(frames) else {
            Issue.record("a coordinator's BATCH read as one message")
            return
        }
        #expect(try replies.map(WireCodec.decodeCoordinatorMessage) == fromCoordinator)
        // A message alone is still one message.
        #expect(try WireCodec.contents(WireCodec.frames(fromCoordinator[0])) == .one(WireCodec.envelope(WireCodec.frames(fromCoordinator[0]))))
    }

    struct BadBatch: Sendable, CustomTestStringConvertible {
        let name: String
        let frames: [[UInt8]]
        let error: ProtocolError
        var testDescription: String { name }
    }

    static let poll = WireCodec.frames(WorkerMessage.poll(Poll(freeSlots: 1, lastJobSeq: 0)))
    static let badBatches: [BadBatch] = [
        BadBatch(name: "empty", frames: [Array("JWP1".utf8), [0x0C]], error: .wrongFrameCount(2, command: .batch)),
        BadBatch(name: "a command without its header", frames: [Array("JWP1".utf8), [0x0C], [0x02], poll[2], [0x02]], error: .wrongFrameCount(5, command: .batch)),
        BadBatch(name: "wrong signature", frames: [Array("JWP2".utf8), [0x0C], [0x02], poll[2]], error: .badSignature(found: Array("JWP2".utf8))),
        BadBatch(name: "a HELLO inside", frames: WireCodec.batchFrames([WorkerMessage.hello(Hello(workerId: "w", session: "s", actionTypes: [], labels: [:], maxSlots: 1))]), error: .notBatchable(.hello)),
        BadBatch(name: "a LOG inside", frames: [Array("JWP1".utf8), [0x0C], [0x06], Array("{}".utf8)], error: .notBatchable(.log)),
        BadBatch(name: "a BATCH inside", frames: [Array("JWP1".utf8), [0x0C], [0x0C], Array("{}".utf8)], error: .notBatchable(.batch)),
        BadBatch(name: "an unknown command inside", frames: [Array("JWP1".utf8), [0x0C], [0x7E], Array("{}".utf8)], error: .unknownCommand(0x7E)),
        BadBatch(name: "an oversized header inside", frames: [Array("JWP1".utf8), [0x0C], [0x02], [UInt8](repeating: 0x20, count: ProtocolVersion.maxHeaderSize + 1)], error: .headerTooLarge(ProtocolVersion.maxHeaderSize + 1, limit: ProtocolVersion.maxHeaderSize)),
        BadBatch(name: "too many messages", frames: WireCodec.batchFrames(Array(repeating: WorkerMessage.poll(Poll(freeSlots: 1, lastJobSeq: 0)), count: ProtocolVersion.maxBatch + 1)), error: .batchTooLarge(ProtocolVersion.maxBatch + 1, limit: ProtocolVersion.maxBatch)),
        BadBatch(name: "a BATCH byte in a plain envelope", frames: [Array("JWP1".utf8), [0x0C], Array("{}".utf8)], error: .wrongFrameCount(3, command: .batch)),
    ]

    @Test(arguments: badBatches)
    func aBatchBreakingTheRulesIsRefusedWithAPreciseError(_ testCase: BadBatch) {
        #expect(throws: testCase.error) { try WireCodec.contents(testCase.frames) }
        #expect(!testCase.error.description.isEmpty)
    }

    /// Each side reads only the other's BATCH: the direction is refused by name, not taken for a
    /// malformed message.
    @Test func aBatchFromTheWrongSideIsRefused() throws {
        let fromCoordinator = WireCodec.batchFrames([CoordinatorMessage.heartbeat(CoordinatorHeartbeat(epoch: "e"))])
        #expect(throws: ProtocolError.unexpectedCommand(.coordinatorBatch, socket: "coordinator")) { try WireCodec.decodeWorkerBatch(fromCoordinator) }
        let fromWorker = WireCodec.batchFrames([WorkerMessage.poll(Poll(freeSlots: 1, lastJobSeq: 0))])
        #expect(throws: ProtocolError.unexpectedCommand(.batch, socket: "worker")) { try WireCodec.decodeCoordinatorBatch(fromWorker) }
        #expect(try WireCodec.decodeWorkerBatch(fromWorker) == [.poll(Poll(freeSlots: 1, lastJobSeq: 0))])
        #expect(try WireCodec.decodeCoordinatorBatch(fromCoordinator) == [.heartbeat(CoordinatorHeartbeat(epoch: "e"))])
    }

    @Test func theLargestBatchIsAccepted() throws {
        let frames = WireCodec.batchFrames(Array(repeating: WorkerMessage.poll(Poll(freeSlots: 1, lastJobSeq: 0)), count: ProtocolVersion.maxBatch))
        guard case .batch(let envelopes) = try WireCodec.contents(frames) else {
            Issue.record("not read as a BATCH")
            return
        }
        #expect(envelopes.count == ProtocolVersion.maxBatch)
        // With a routing id in front, it is exactly the most frames a receiver keeps.
        #expect(frames.count + 1 == ProtocolVersion.maxFrames)
    }

    /// The golden files in Fixtures/wire are what a worker in any language must send and accept:
    /// one frame per line, hex.
    @Test func goldenWireFixturesMatchTheCodec() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/wire")
        let fixtures: [(String, [[UInt8]])] = [
            ("hello.frames", WireCodec.frames(WorkerMessage.hello(Hello(workerId: "w1", session: "s1", actionTypes: [.commands], labels: [:], maxSlots: 1)))),
            ("poll.frames", WireCodec.frames(WorkerMessage.poll(Poll(freeSlots: 1, lastJobSeq: 0)))),
            ("welcome.frames", WireCodec.frames(CoordinatorMessage.welcome(Welcome(epoch: "e", heartbeatIntervalMs: 2000, heartbeatLiveness: 5, artifactPort: 7601, chunkSize: 1048576, credit: 8)))),
            ("job.frames", WireCodec.frames(CoordinatorMessage.job(JobOffer(jobSeq: 1, jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", attempt: 1, data: Self.jobData)))),
            ("ack.frames", WireCodec.frames(WorkerMessage.ack(JobAck(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10")))),
            ("acked.frames", WireCodec.frames(CoordinatorMessage.acked(Acked(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", status: .inProgress)))),
            ("reject.frames", WireCodec.frames(WorkerMessage.reject(JobRejected(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", reason: "disk full")))),
            ("progress.frames", WireCodec.frames(WorkerMessage.progress(JobProgress(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", percentComplete: 50, summary: "tests 10/20")))),
            ("log.frames", WireCodec.frames(WorkerMessage.log(LogChunk(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", stream: "output", offset: 0))) + [Array("hello\n".utf8)]),
            ("success.frames", WireCodec.frames(WorkerMessage.success(JobSucceeded(
                jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", resultId: "r-1",
                outputs: ActionOutputs(artifacts: [ArtifactReference(name: "Out", digest: Self.digest, size: 412)], variables: ["VERSION": "1.2.3"], summary: "built"))))),
            ("success_with_poll.frames", WireCodec.frames(WorkerMessage.success(JobSucceeded(
                jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", resultId: "r-3",
                outputs: ActionOutputs(artifacts: [], variables: [:]), poll: Poll(freeSlots: 2, lastJobSeq: 7))))),
            ("failure.frames", WireCodec.frames(WorkerMessage.failure(JobFailed(
                jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", resultId: "r-2", failure: FailureDetails(type: .jobFailed, message: "exit status 2"))))),
            ("result_ack.frames", WireCodec.frames(CoordinatorMessage.resultAck(ResultAck(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", resultId: "r-1", outcome: .accepted)))),
            ("cancel.frames", WireCodec.frames(CoordinatorMessage.cancel(JobCancelled(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", reason: "the action was abandoned")))),
            ("heartbeat.frames", WireCodec.frames(WorkerMessage.heartbeat(WorkerHeartbeat(running: [JobClaim(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10")], freeSlots: 0)))),
            ("hello_batching.frames", WireCodec.frames(WorkerMessage.hello(Hello(workerId: "w1", session: "s1", actionTypes: [.commands], labels: [:], maxSlots: 2, maxBatch: 256)))),
            ("welcome_batching.frames", WireCodec.frames(CoordinatorMessage.welcome(Welcome(epoch: "e", heartbeatIntervalMs: 2000, heartbeatLiveness: 5, artifactPort: 7601, chunkSize: 1048576, credit: 8, maxBatch: 256)))),
            ("batch.frames", WireCodec.batchFrames([
                WorkerMessage.success(JobSucceeded(
                    jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", resultId: "r-4",
                    outputs: ActionOutputs(artifacts: [], variables: [:]), poll: Poll(freeSlots: 1, lastJobSeq: 8))),
                WorkerMessage.success(JobSucceeded(
                    jobId: Self.otherJobID, nonce: "0c3b9a8d7e6f5a4b3c2d1e0f9a8b7c6d", resultId: "r-5",
                    outputs: ActionOutputs(artifacts: [], variables: [:]), poll: Poll(freeSlots: 2, lastJobSeq: 8))),
            ])),
            ("coordinator_batch.frames", WireCodec.batchFrames([
                CoordinatorMessage.resultAck(ResultAck(jobId: Self.jobID, nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", resultId: "r-4", outcome: .accepted)),
                CoordinatorMessage.resultAck(ResultAck(jobId: Self.otherJobID, nonce: "0c3b9a8d7e6f5a4b3c2d1e0f9a8b7c6d", resultId: "r-5", outcome: .accepted)),
                CoordinatorMessage.job(JobOffer(jobSeq: 9, jobId: Self.thirdJobID, nonce: "5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b", attempt: 1, data: Self.jobData)),
            ])),
        ]
        if ProcessInfo.processInfo.environment["BATON_WRITE_GOLDEN"] == "1" {
            // Regenerate after a deliberate wire change: BATON_WRITE_GOLDEN=1 swift test --filter golden
            for (name, frames) in fixtures {
                let text = frames.map { frame in frame.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n") + "\n"
                try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        }
        for (name, frames) in fixtures {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let golden = text.split(separator: "\n").map { line in
                stride(from: 0, to: line.count, by: 2).map { offset -> UInt8 in
                    let start = line.index(line.startIndex, offsetBy: offset)
                    return UInt8(line[start..<line.index(start, offsetBy: 2)], radix: 16) ?? 0
                }
            }
            #expect(golden == frames, "\(name) differs from the codec's output")
        }
    }
}

/// A HELLO or HEARTBEAT names as many claims as its header holds, the first ones first.
@Suite struct ClaimListTests {
    static func claims(_ count: Int) -> [JobClaim] {
        (0..<count).map { JobClaim(jobId: JobID(rawValue: "0195f3a2-7c4e-7d10-8000-\(String(format: "%012d", $0))"), nonce: String(repeating: "ab", count: 16)) }
    }

    static func heartbeat(_ claims: [JobClaim]) -> WorkerMessage { .heartbeat(WorkerHeartbeat(running: claims, freeSlots: 3)) }

    @Test func claimsThatFitAreAllSent() throws {
        let (message, leftOut) = ClaimList.fitting(Self.claims(32), Self.heartbeat)
        #expect(leftOut == 0)
        #expect(message == Self.heartbeat(Self.claims(32)))
    }

    @Test func tooManyClaimsAreCutToTheLongestPrefixThatFits() throws {
        // Thousands of results waiting for their acknowledgement: about 96 KiB of claims.
        let all = Self.claims(1500)
        #expect(WireCodec.header(Self.heartbeat(all)).1.count > ProtocolVersion.maxHeaderSize)
        let (message, leftOut) = ClaimList.fitting(all, Self.heartbeat)
        guard case .heartbeat(let heartbeat) = message else { Issue.record("expected a HEARTBEAT"); return }
        #expect(heartbeat.running == Array(all.prefix(heartbeat.running.count)))
        #expect(leftOut == all.count - heartbeat.running.count)
        let header = WireCodec.header(message).1
        #expect(header.count <= ProtocolVersion.maxHeaderSize)
        // The longest: one claim more would not fit.
        #expect(WireCodec.header(Self.heartbeat(Array(all.prefix(heartbeat.running.count + 1)))).1.count > ProtocolVersion.maxHeaderSize)
        // And the receiver takes it.
        #expect(try WireCodec.decodeWorkerMessage(try WireCodec.envelope(WireCodec.frames(message))) == message)
    }
}
