import BatonAPI
import BatonModel
import BatonProtocol
import BatonTesting
import Foundation
import Synchronization
import Testing
import ZeroMQ

/// The job-worker protocol against a real coordinator process, driven message by message.
@Suite(.timeLimit(.minutes(3))) struct ProtocolTests {
    static let sourceType = ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1")

    /// Source (S3) → Build (Commands); the peer plays the worker for both.
    static func createPipeline(_ name: String, in cluster: BatonCluster) async throws -> String {
        let pipeline = PipelineDeclaration(name: name, stages: [
            PipelineRunTests.sourceStage,
            StageDeclaration(name: "Build", actions: [
                ActionDeclaration(name: "Compile", actionTypeId: .commands, commands: ["true"], inputArtifacts: ["Src"]),
            ]),
        ])
        let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
        let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: name))
        return started.pipelineExecutionId
    }

    @Test func aResultSentThreeTimesIsAppliedOnce() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            _ = try await peer.register(as: "peer", types: [Self.sourceType, .commands], slots: 4)
            let id = try await Self.createPipeline("thrice", in: cluster)
            let source = try await peer.nextJob()
            #expect(try await peer.ack(source).status == .inProgress)

            let result = JobSucceeded(jobId: source.jobId, nonce: source.nonce, resultId: "result-1", outputs: ActionOutputs(artifacts: [], variables: ["Run": "1"]))
            var outcomes: [ResultAck.Outcome] = []
            for _ in 0..<3 {
                peer.send(.success(result))
                outcomes.append(try await peer.resultAck("result-1").outcome)
            }
            #expect(outcomes == [.accepted, .duplicate, .duplicate])

            // The execution moved on exactly once: one Build job, and the source ran once.
            let build = try await peer.nextJob()
            #expect(build.data.pipelineContext.action.name == "Compile")
            let extra = try? await peer.receive("a second Build JOB", within: .seconds(2)) { if case .job(let offer) = $0 { offer } else { nil } }
            #expect(extra == nil)
            let executions: ListPipelineExecutionsOutput = try await cluster.client.call(.listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: "thrice"))
            #expect(executions.pipelineExecutionSummaries.map(\.pipelineExecutionId) == [id])
            let state = try await PipelineRunTests.state(of: "thrice", in: cluster)
            #expect(state["Source/Fetch"]?.status == .succeeded)
        }
    }

    /// An ACK that says the job has started gets ACKED only to refuse it: `InProgress` would
    /// change nothing for a worker already running the job.
    @Test func aStartedAckIsAnsweredOnlyWhenRefused() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            _ = try await peer.register(as: "peer", types: [Self.sourceType, .commands])
            _ = try await Self.createPipeline("started", in: cluster)
            let source = try await peer.nextJob()
            peer.send(.ack(JobAck(jobId: source.jobId, nonce: "00000000000000000000000000000000", started: true)))
            let refused = try await peer.receive("ACKED for the wrong nonce") { if case .acked(let acked) = $0 { acked } else { nil } }
            #expect(refused.status == .invalidNonce)
            peer.send(.ack(JobAck(jobId: source.jobId, nonce: source.nonce, started: true)))
            // The job is the peer's: its result is accepted.
            peer.send(.success(JobSucceeded(jobId: source.jobId, nonce: source.nonce, resultId: "r", outputs: ActionOutputs(artifacts: [], variables: [:]))))
            #expect(try await peer.resultAck("r").outcome == .accepted)
            // An ACKED would have come before the RESULT_ACK (and been kept aside); none did.
            let silent = try? await peer.receive("no ACKED for a started job", within: .seconds(1)) { if case .acked(let acked) = $0 { acked } else { nil } }
            #expect(silent == nil)
        }
    }

    /// The ack deadline: a JOB nobody claims is cancelled on its worker and offered again under a
    /// new nonce; one the worker's heartbeats list as running is its own, ACK or not, and its
    /// result (with the credit riding on it) is accepted.
    @Test func anUnclaimedJobIsOfferedAgainAndAHeartbeatClaimsOne() async throws {
        try await BatonCluster.with(coordinatorArguments: ["--heartbeat-interval", "1000", "--ack-deadline", "4000"]) { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            _ = try await peer.register(as: "peer", types: [Self.sourceType, .commands])
            // Alive throughout (5 missed intervals would drop it), claiming only what `claims` holds.
            let claims = Mutex<[JobClaim]>([])
            let heartbeats = Task {
                while !Task.isCancelled {
                    let running = claims.withLock { $0 }
                    peer.send(.heartbeat(WorkerHeartbeat(running: running, freeSlots: running.isEmpty ? 1 : 0)))
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            defer { heartbeats.cancel() }
            _ = try await Self.createPipeline("claims", in: cluster)
            let unclaimed = try await peer.nextJob()
            let cancel = try await peer.receive("CANCEL after the ack deadline") { if case .cancel(let cancel) = $0 { cancel } else { nil } }
            #expect(cancel.jobId == unclaimed.jobId && cancel.nonce == unclaimed.nonce)
            let again = try await peer.nextJob()
            #expect(again.jobId == unclaimed.jobId && again.nonce != unclaimed.nonce)

            // Claimed at once (and by every heartbeat after), so a slow test run cannot miss the deadline.
            claims.withLock { $0 = [again.claim] }
            peer.send(.heartbeat(WorkerHeartbeat(running: [again.claim], freeSlots: 0)))
            // Past the deadline and the heartbeat tick that would act on it.
            let lost = try? await peer.receive("a CANCEL or a JOB for a claimed job", within: .seconds(6)) { message -> String? in
                switch message {
                case .cancel(let cancel) where cancel.jobId == again.jobId: "CANCEL"
                case .job(let offer) where offer.jobId == again.jobId: "JOB"
                default: nil
                }
            }
            #expect(lost == nil, "a job its worker's heartbeats claimed was taken back")
            // Silent from here, so the last heartbeat's zero free slots stand until the result's credit.
            heartbeats.cancel()
            _ = await heartbeats.value
            peer.send(.success(JobSucceeded(jobId: again.jobId, nonce: again.nonce, resultId: "claimed", outputs: ActionOutputs(artifacts: [], variables: [:]),
                                            poll: Poll(freeSlots: 1, lastJobSeq: again.jobSeq))))
            #expect(try await peer.resultAck("claimed").outcome == .accepted)
            // The credit on the result is what lets the next job come.
            let build = try await peer.nextJob()
            #expect(build.data.pipelineContext.action.name == "Compile")
        }
    }

    @Test func aStaleNonceChangesNothing() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            _ = try await peer.register(as: "peer", types: [Self.sourceType, .commands])
            let id = try await Self.createPipeline("stale", in: cluster)
            let source = try await peer.nextJob()
            #expect(try await peer.ack(source, nonce: "00000000000000000000000000000000").status == .invalidNonce)
            #expect(try await peer.ack(source).status == .inProgress)

            peer.send(.failure(JobFailed(jobId: source.jobId, nonce: "0badc0de0badc0de0badc0de0badc0de", resultId: "forged",
                                         failure: FailureDetails(type: .jobFailed, message: "forged"))))
            #expect(try await peer.resultAck("forged").outcome == .stale)
            let during: GetPipelineExecutionOutput = try await cluster.client.call(.getPipelineExecution, GetPipelineExecutionInput(pipelineName: "stale", pipelineExecutionId: id))
            #expect(during.pipelineExecution.status == .inProgress)

            peer.send(.success(JobSucceeded(jobId: source.jobId, nonce: source.nonce, resultId: "real", outputs: ActionOutputs(artifacts: [], variables: [:]))))
            #expect(try await peer.resultAck("real").outcome == .accepted)
            let state = try await PipelineRunTests.state(of: "stale", in: cluster)
            #expect(state["Source/Fetch"]?.status == .succeeded)
        }
    }

    @Test func aRejectedJobGoesToAnotherWorkerAndNeverBack() async throws {
        try await BatonCluster.with { cluster in
            let picky = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { picky.close() }
            _ = try await picky.register(as: "picky", types: [Self.sourceType], slots: 2)
            _ = try await Self.createPipeline("rejected", in: cluster)
            let offer = try await picky.nextJob()
            picky.send(.reject(JobRejected(jobId: offer.jobId, nonce: offer.nonce, reason: "not today")))
            let again = try? await picky.receive("the rejected JOB again", within: .seconds(2)) { if case .job(let o) = $0 { o } else { nil } }
            #expect(again == nil)

            let other = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { other.close() }
            _ = try await other.register(as: "other", types: [Self.sourceType])
            let taken = try await other.nextJob()
            #expect(taken.jobId == offer.jobId)
            #expect(taken.nonce != offer.nonce)
        }
    }

    @Test func aWorkerWithAQueryGetsOnlyJobsWhoseQueryablePropertyMatches() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let deploy = ActionTypeID(category: "Deploy", owner: "Custom", provider: "Fleet", version: "1")
            let _: CreateCustomActionTypeOutput = try await cluster.client.call(.createCustomActionType, CreateCustomActionTypeInput(
                category: "Deploy", provider: "Fleet", version: "1",
                configurationProperties: [ActionConfigurationProperty(name: "Cluster", required: true, key: true, queryable: true)],
                inputArtifactDetails: ArtifactDetails(0, 1), outputArtifactDetails: ArtifactDetails(0, 0)))
            let blue = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { blue.close() }
            _ = try await blue.register(as: "blue", types: [deploy], slots: 2, queries: [ActionTypeQuery(actionTypeId: deploy, queryParam: ["Cluster": "blue"])])
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let pipeline = PipelineDeclaration(name: "fleet", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Deploy", actions: [
                    ActionDeclaration(name: "ToGreen", actionTypeId: deploy, configuration: ["Cluster": "green"]),
                    ActionDeclaration(name: "ToBlue", actionTypeId: deploy, configuration: ["Cluster": "blue"]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let _: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "fleet"))
            let offer = try await blue.nextJob()
            #expect(offer.data.pipelineContext.action.name == "ToBlue")
            let another = try? await blue.receive("a second JOB", within: .seconds(2)) { if case .job(let o) = $0 { o } else { nil } }
            #expect(another == nil, "the green job must not reach the blue worker")
        }
    }

    @Test func abandoningAnExecutionCancelsTheJobOnItsWorker() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            _ = try await peer.register(as: "peer", types: [Self.sourceType])
            let id = try await Self.createPipeline("cancelled", in: cluster)
            let offer = try await peer.nextJob()
            _ = try await peer.ack(offer)
            let _: PipelineExecutionIDOutput = try await cluster.client.call(
                .stopPipelineExecution, StopPipelineExecutionInput(pipelineName: "cancelled", pipelineExecutionId: id, abandon: true))
            let cancel = try await peer.receive("CANCEL") { if case .cancel(let cancel) = $0 { cancel } else { nil } }
            #expect(cancel.jobId == offer.jobId)
            #expect(cancel.nonce == offer.nonce)
        }
    }

    /// A worker that announces `maxBatch` gets the messages that leave together in one BATCH,
    /// and may send its own that way; everything in a BATCH counts as if it came alone.
    @Test func aWorkerThatTakesBatchesGetsJobsAndAcknowledgementsInOne() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            let welcome = try await peer.register(as: "batcher", types: [Self.sourceType, .commands], slots: 3, freeSlots: 0, maxBatch: 16)
            #expect(welcome.maxBatch == ProtocolVersion.maxBatch)
            // Three source jobs wait for credit…
            let names = ["batch-a", "batch-b", "batch-c"]
            for name in names { _ = try await Self.createPipeline(name, in: cluster) }
            try await withTimeout(.seconds(20), "three source jobs to be ready") {
                while true {
                    var ready = 0
                    for name in names where try await PipelineRunTests.state(of: name, in: cluster)["Source/Fetch"]?.status == .inProgress { ready += 1 }
                    if ready == names.count { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            // …and one POLL frees them all at once: one BATCH of three JOBs.
            peer.send(.poll(Poll(freeSlots: 3, lastJobSeq: 0)))
            var offers: [JobOffer] = []
            for _ in names { offers.append(try await peer.nextJob()) }
            #expect(peer.batchesReceived.withLock { $0 }.contains(3))
            #expect(Set(offers.map(\.data.pipelineContext.pipelineName)) == Set(names))

            // Three results in one BATCH, each acknowledged and applied once, and among them one
            // under a nonce the job was never offered with, which changes nothing.
            let stale = WorkerMessage.success(JobSucceeded(jobId: offers[0].jobId, nonce: "not-the-nonce", resultId: "batched-stale", outputs: ActionOutputs(artifacts: [], variables: [:])))
            peer.sendBatch([stale] + offers.enumerated().map { index, offer in
                .success(JobSucceeded(jobId: offer.jobId, nonce: offer.nonce, resultId: "batched-\(index)", outputs: ActionOutputs(artifacts: [], variables: [:])))
            })
            #expect(try await peer.resultAck("batched-stale").outcome == .stale)
            for index in offers.indices { #expect(try await peer.resultAck("batched-\(index)").outcome == .accepted) }
            for name in names { #expect(try await PipelineRunTests.state(of: name, in: cluster)["Source/Fetch"]?.status == .succeeded) }
        }
    }

    /// A BATCH breaking the rules is dropped whole, with a log line naming the rule, and a
    /// message with more frames than the largest BATCH is dropped as it is read.
    @Test func aBatchBreakingTheRulesIsDroppedWhole() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            _ = try await peer.register(as: "rule-breaker", types: [Self.sourceType], maxBatch: 16)
            let hello = WorkerMessage.hello(Hello(workerId: "smuggled", session: "s", actionTypes: [], labels: [:], maxSlots: 1))
            peer.sendBatch([.poll(Poll(freeSlots: 1, lastJobSeq: 0)), hello])
            peer.sendBatch(Array(repeating: .poll(Poll(freeSlots: 1, lastJobSeq: 0)), count: ProtocolVersion.maxBatch + 1))
            let tooMany = [Array("JWP1".utf8), [Command.batch.rawValue]] + Array(repeating: [UInt8](), count: ProtocolVersion.maxFrames + 10)
            peer.loop.post(Message(tooMany.map { Frame($0) }), on: peer.socket.handle)
            // Still serving the same worker: a DETAILS is answered.
            peer.send(.details(JobClaim(jobId: JobID(rawValue: "no-such-job"), nonce: "n")))
            let details = try await peer.receive("DETAILS") { if case .details(let details) = $0 { details } else { nil } }
            #expect(details.status == .jobNotFound)
            let log = try String(contentsOf: cluster.root.appendingPathComponent("coordinator.log"), encoding: .utf8)
            #expect(log.contains("HELLO may not travel inside a BATCH"))
            // The BATCH of 257 and the message of 525 empty frames: both over the socket's limit,
            // so neither reaches the codec (whose own check says the same for a BATCH).
            #expect(log.components(separatedBy: "dropped an inbound message with too many frames").count - 1 == 2)
        }
    }

    /// HELLO's slots must be in range, and a POLL never buys more JOBs than the worker has slots.
    @Test func slotsOutOfRangeAreRefusedByNameAndCreditIsCappedAtTheSlots() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            for slots in [0, ProtocolVersion.slots.upperBound + 1] {
                peer.send(.hello(Hello(workerId: "greedy", session: "s", actionTypes: [Self.sourceType], labels: [:], maxSlots: slots)))
                let refused = try await peer.receive("DISCONNECT") { if case .disconnect(let reason) = $0 { reason.reason } else { nil } }
                #expect(refused == "HELLO's maxSlots is \(slots); expected 1...1024")
            }
            // One slot, yet it claims three free: three source jobs are ready, one JOB comes.
            _ = try await peer.register(as: "greedy", types: [Self.sourceType], slots: 1, freeSlots: 3)
            for name in ["cap-a", "cap-b", "cap-c"] { _ = try await Self.createPipeline(name, in: cluster) }
            _ = try await peer.nextJob()
            let second = try? await peer.receive("a second JOB", within: .seconds(2)) { if case .job(let offer) = $0 { offer } else { nil } }
            #expect(second == nil, "a worker with one slot got a second job")
        }
    }

    @Test func garbageFramesAreDroppedAndTheCoordinatorCarriesOn() async throws {
        try await BatonCluster.with { cluster in
            let peer = try await ProtocolPeer(endpoint: cluster.workersEndpoint)
            defer { peer.close() }
            for frames in [[[UInt8]("nope".utf8)], [Array("JWP1".utf8), [0x7F], Array("{}".utf8)], [Array("JWP1".utf8), [0x01], Array("{not json".utf8)]] {
                peer.loop.post(Message(frames.map { Frame($0) }), on: peer.socket.handle)
            }
            // Still serving: a proper HELLO is welcomed.
            _ = try await peer.register(as: "peer", types: [Self.sourceType])
            let log = try String(contentsOf: cluster.root.appendingPathComponent("coordinator.log"), encoding: .utf8)
            #expect(log.contains("dropped a malformed message on the control socket"))
        }
    }
}

/// CURVE encryption with a ZAP allow-list of worker keys.
@Suite(.timeLimit(.minutes(3))) struct WorkerAuthenticationTests {
    @Test func onlyWorkersWithAuthorizedKeysGetIn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let coordinator = try CurveKeyPair.generate()
        let trusted = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        try coordinator.secretKey.write(to: directory.appendingPathComponent("coordinator.key"), atomically: true, encoding: .utf8)
        try trusted.secretKey.write(to: directory.appendingPathComponent("trusted.key"), atomically: true, encoding: .utf8)
        try stranger.secretKey.write(to: directory.appendingPathComponent("stranger.key"), atomically: true, encoding: .utf8)
        try "# id key\nworker-1 \(trusted.publicKey)\n".write(to: directory.appendingPathComponent("allowed"), atomically: true, encoding: .utf8)

        try await BatonCluster.with(coordinatorArguments: [
            "--curve-secret-key", directory.appendingPathComponent("coordinator.key").path,
            "--authorized-workers", directory.appendingPathComponent("allowed").path,
        ]) { cluster in
            try cluster.startWorker("worker-1", arguments: ["--curve-secret-key", directory.appendingPathComponent("trusted.key").path, "--coordinator-key", coordinator.publicKey])
            try cluster.startWorker("intruder", arguments: ["--curve-secret-key", directory.appendingPathComponent("stranger.key").path, "--coordinator-key", coordinator.publicKey])
            // A worker with a trusted key but claiming another id is refused too.
            try cluster.startWorker("impostor", arguments: ["--curve-secret-key", directory.appendingPathComponent("trusted.key").path, "--coordinator-key", coordinator.publicKey])

            try await PipelineRunTests.putSource(in: cluster, content: "secret")
            let pipeline = PipelineDeclaration(name: "curve", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Build", actions: [ActionDeclaration(name: "Cat", actionTypeId: .commands, commands: ["cat file.txt"], inputArtifacts: ["Src"])]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "curve"))
            let execution = try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "curve", in: cluster)
            #expect(execution.status == .succeeded)

            let log = try String(contentsOf: cluster.root.appendingPathComponent("coordinator.log"), encoding: .utf8)
            #expect(log.contains("refused a worker whose CURVE key is not authorized"))
            #expect(log.contains("key.owner=worker-1 worker.id=impostor"))
            #expect(!log.contains("worker.id=intruder worker.labels"))
            #expect(!log.contains("worker.id=impostor worker.labels"))
            #expect(log.contains("worker.id=worker-1 worker.labels"))
        }
    }

    @Test func aCoordinatorRefusesToListenOnTheNetworkWithoutCurve() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-insecure-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await runBaton(["coordinator", "--data-dir", directory.path, "--listen-workers", "tcp://0.0.0.0:0", "--listen-http", "127.0.0.1:0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("refusing to listen for workers on tcp://0.0.0.0:0 without encryption"))
    }
}
