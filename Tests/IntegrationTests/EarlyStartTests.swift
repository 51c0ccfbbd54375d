import BatonModel
import BatonProtocol
import BatonTesting
import Foundation
import Logging
import Synchronization
import Testing
import ZeroMQ

/// A real `baton worker` process against a hand-driven coordinator (a ROUTER speaking JWP/1), so
/// the test chooses what is said and when: a job safe to repeat starts with no ACK and stops,
/// with no result, on CANCEL; an invoke waits for ACKED InProgress.
@Suite(.timeLimit(.minutes(2))) struct EarlyStartTests {
    /// A job safe to repeat starts at once and sends no ACK: the worker's next HEARTBEAT claims it
    /// (or its result would). A CANCEL stops it, and no result is sent.
    @Test func aRepeatableJobStartsWithoutAnAckIsClaimedByHeartbeatAndStopsOnCancel() async throws {
        try await FakeCoordinator.with { coordinator, directory, _ in
            let job = coordinator.offer(JobData(
                actionTypeId: .commands, configuration: [:], pipelineContext: Self.context("Build"), inputArtifacts: [], outputArtifacts: [],
                commands: ["touch \(directory.path)/started", "sleep 60", "touch \(directory.path)/finished"]))
            try await Self.waitForFile(directory.appendingPathComponent("started"))
            let heartbeat = try await coordinator.receive("a HEARTBEAT listing the job") { message -> WorkerHeartbeat? in
                if case .heartbeat(let heartbeat) = message, heartbeat.running.contains(job.claim) { heartbeat } else { nil }
            }
            #expect(heartbeat.freeSlots == 1)
            coordinator.send(.cancel(JobCancelled(jobId: job.jobId, nonce: job.nonce, reason: "the test withdrew it")))
            // The job stops: its slot comes back, no result is sent, its last command never runs.
            let poll = try await coordinator.receive("POLL with the slot back") { if case .poll(let poll) = $0, poll.freeSlots == 2 { poll } else { nil } }
            #expect(poll.freeSlots == 2)
            // The last read, so no timed-out reader is left to race a later one: neither a result
            // nor, at any point since the JOB, an ACK.
            let unwanted = try? await coordinator.receive("a result or an ACK", within: .seconds(4)) { message -> String? in
                switch message {
                case .success(let result): "SUCCESS \(result.resultId)"
                case .failure(let result): "FAILURE \(result.resultId)"
                case .ack: "ACK"
                default: nil
                }
            }
            #expect(unwanted == nil)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("finished").path))
        }
    }

    @Test func anInvokeWaitsForInProgressBeforeItRuns() async throws {
        try await FakeCoordinator.with { coordinator, directory, _ in
            let marker = directory.appendingPathComponent("invoked")
            let job = coordinator.offer(JobData(
                actionTypeId: .lambdaInvoke, configuration: ["FunctionName": "touch"], pipelineContext: Self.context("Invoke"),
                inputArtifacts: [], outputArtifacts: []))
            let ack = try await coordinator.receive("ACK") { if case .ack(let ack) = $0, ack.claim == job.claim { ack } else { nil } }
            #expect(ack.started == nil, "an invoke does not start before its ACKED")
            try await Task.sleep(for: .seconds(1.5))
            #expect(!FileManager.default.fileExists(atPath: marker.path), "the invoke ran before its ACKED")
            coordinator.send(.acked(Acked(jobId: job.jobId, nonce: job.nonce, status: .inProgress)))
            try await Self.waitForFile(marker)
        }
    }

    /// Reply deadlines: a result nobody acknowledges is sent again after 1 s of silence, then
    /// after 2 s, with the same `resultId`; once acknowledged it is not sent again. (A job with
    /// no commands fails at once and writes no log, which this coordinator could not take.)
    @Test func anUnacknowledgedResultIsSentAgainUntilItsResultAck() async throws {
        try await FakeCoordinator.with { coordinator, _, _ in
            let offered = ContinuousClock.now
            let job = coordinator.offer(JobData(
                actionTypeId: .commands, configuration: [:], pipelineContext: Self.context("Build"), inputArtifacts: [], outputArtifacts: [],
                commands: []))
            let clock = ContinuousClock()
            let resultOf: @Sendable (WorkerMessage) -> (String, ContinuousClock.Instant, Poll?)? = { message in
                switch message {
                case .success(let result) where result.jobId == job.jobId: (result.resultId, ContinuousClock.now, result.poll)
                case .failure(let result) where result.jobId == job.jobId: (result.resultId, ContinuousClock.now, result.poll)
                default: nil
                }
            }
            let first = try await coordinator.receive("a result", resultOf)
            let second = try await coordinator.receive("the result sent again", resultOf)
            let third = try await coordinator.receive("the result sent a third time", resultOf)
            #expect(first.0 == second.0 && second.0 == third.0)
            // The first carries the slot it gave back; a retransmission carries no credit.
            #expect(first.2 == Poll(freeSlots: 2, lastJobSeq: job.jobSeq))
            #expect(second.2 == nil && third.2 == nil)
            // Sent at about 0, 1 and 3 s after the job arrived. Reading a message late under load
            // can make the gap between two of them look shorter, so the third is timed from the
            // offer, which no result can precede: with a fixed 1 s interval it would come at 2 s.
            #expect(third.1 - offered >= .seconds(3))
            coordinator.send(.resultAck(ResultAck(jobId: job.jobId, nonce: job.nonce, resultId: first.0, outcome: .accepted)))
            let start = clock.now
            let fourth = try? await coordinator.receive("no result after RESULT_ACK", within: .seconds(5), resultOf)
            #expect(fourth == nil, "sent again \(clock.now - start) after its RESULT_ACK")
        }
    }

    /// SIGTERM while a job runs: the worker lets the job's commands finish, then exits cleanly
    /// (no wait for a reply that can no longer come outlives it).
    @Test func aWorkerStoppedMidJobLetsItFinishAndExits() async throws {
        try await FakeCoordinator.with { coordinator, directory, process in
            _ = coordinator.offer(JobData(
                actionTypeId: .commands, configuration: [:], pipelineContext: Self.context("Build"), inputArtifacts: [], outputArtifacts: [],
                commands: ["touch \(directory.path)/started", "sleep 2", "touch \(directory.path)/finished"]))
            try await Self.waitForFile(directory.appendingPathComponent("started"))
            process.signal(SIGTERM)
            let status = try await process.waitForExit(timeout: .seconds(30))
            #expect(status == 0)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("finished").path))
        }
    }

    static func context(_ stage: String) -> PipelineContext {
        PipelineContext(pipelineName: "fake", stageName: stage, actionName: "Act", actionExecutionID: ActionExecutionID(rawValue: UUID().uuidString.lowercased()), executionID: ExecutionID(rawValue: UUID().uuidString.lowercased()))
    }

    static func waitForFile(_ file: URL) async throws {
        try await withTimeout(.seconds(20), "\(file.lastPathComponent) to appear") {
            while !FileManager.default.fileExists(atPath: file.path) { try await Task.sleep(for: .milliseconds(20)) }
        }
    }
}

/// The coordinator's side of JWP/1 by hand: HELLO → WELCOME → POLL, then JOBs and replies as a
/// test says.
final class FakeCoordinator: Sendable {
    let loop: SocketLoop
    let control: OpenedSocket
    let artifacts: OpenedSocket
    private let runner: Task<Void, Never>
    private let worker = Mutex<Frame?>(nil)
    private let pending = Mutex<[WorkerMessage]>([])
    private let jobSeq = Atomic<Int>(0)

    init() async throws {
        var logger = Logger(label: "fake-coordinator")
        logger.logLevel = .warning
        let loop = try SocketLoop(context: try ZeroMQContext(), logger: logger, name: "fake-coordinator")
        self.loop = loop
        runner = Task { try? await loop.run() }
        control = try await loop.open(SocketSpec(.router, bind: ["tcp://127.0.0.1:*"]))
        artifacts = try await loop.open(SocketSpec(.router, bind: ["tcp://127.0.0.1:*"]))
    }

    /// Starts a worker with 2 slots and a `touch` function against a new fake coordinator.
    static func with(_ body: (FakeCoordinator, URL, ChildProcess) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-fake-\(UUID().uuidString.prefix(8))")
        let functions = directory.appendingPathComponent("functions")
        try FileManager.default.createDirectory(at: functions, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let function = functions.appendingPathComponent("touch")
        try Data("#!/bin/sh\ntouch \(directory.path)/invoked\necho '{\"status\": \"Succeeded\"}'\n".utf8).write(to: function)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: function.path)

        let coordinator = try await FakeCoordinator()
        defer { coordinator.close() }
        let process = try ChildProcess.launch(
            try BatonCluster.executable,
            ["worker", "--coordinator", coordinator.control.boundEndpoints[0], "--work-dir", directory.appendingPathComponent("work").path,
             "--worker-id", "w1", "--slots", "2", "--functions", functions.path, "--log-level", "debug"],
            log: directory.appendingPathComponent("worker.log"))
        defer { process.kill() }
        let hello = try await coordinator.receive("HELLO") { if case .hello(let hello) = $0 { hello } else { nil } }
        #expect(hello.maxSlots == 2)
        guard let port = coordinator.artifacts.boundEndpoints[0].split(separator: ":").last.flatMap({ Int($0) }) else {
            throw FakeCoordinatorError("no artifact port in \(coordinator.artifacts.boundEndpoints)")
        }
        coordinator.send(.welcome(Welcome(epoch: "fake", heartbeatIntervalMs: 1_000, heartbeatLiveness: 30, artifactPort: port, chunkSize: 1 << 20, credit: 4)))
        _ = try await coordinator.receive("POLL") { if case .poll(let poll) = $0 { poll } else { nil } }
        do {
            try await body(coordinator, directory, process)
        } catch {
            Issue.record("worker log:\n\((try? String(contentsOf: directory.appendingPathComponent("worker.log"), encoding: .utf8)) ?? "")")
            throw error
        }
    }

    func close() {
        loop.stop()
        runner.cancel()
    }

    func send(_ message: CoordinatorMessage) {
        guard let routingID = worker.withLock({ $0 }) else { return }
        loop.post(Message([routingID] + WireCodec.frames(message).map { Frame($0) }), on: control.handle)
    }

    /// Sends a JOB with a fresh nonce and returns it.
    func offer(_ data: JobData) -> JobOffer {
        let seq = jobSeq.add(1, ordering: .relaxed).newValue
        let offer = JobOffer(jobSeq: seq, jobId: JobID(rawValue: UUID().uuidString.lowercased()), nonce: UUID().uuidString, attempt: 1, data: data)
        send(.job(offer))
        return offer
    }

    /// The next message from the worker that `accept` picks; others wait for later calls.
    func receive<T: Sendable>(_ what: String, within timeout: Duration = .seconds(20), _ accept: @escaping @Sendable (WorkerMessage) -> T?) async throws -> T {
        let early: T? = pending.withLock { queued in
            guard let index = queued.firstIndex(where: { accept($0) != nil }) else { return nil }
            return accept(queued.remove(at: index))
        }
        if let early { return early }
        let inbound = control.inbound
        return try await withTimeout(timeout, what) {
            for await raw in inbound {
                guard raw.frames.count >= 2 else { continue }
                self.worker.withLock { $0 = raw.frames[0] }
                let body = raw.frames.dropFirst()
                let frames = body.prefix(3).map(\.bytes) + Array(repeating: [], count: max(0, body.count - 3))
                guard let envelope = try? WireCodec.envelope(frames), let message = try? WireCodec.decodeWorkerMessage(envelope) else { continue }
                if let value = accept(message) { return value }
                if case .heartbeat = message { continue }
                self.pending.withLock { $0.append(message) }
            }
            throw CancellationError()
        }
    }
}

struct FakeCoordinatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
