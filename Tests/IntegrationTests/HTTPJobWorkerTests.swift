import BatonAPI
import BatonModel
import BatonTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Custom-action job workers written against an AWS SDK (PollForJobs → AcknowledgeJob →
/// PutJobSuccessResult / PutJobFailureResult) on the same job queue as the ZeroMQ workers, with
/// artifacts through the coordinator's S3-compatible bucket.
@Suite(.timeLimit(.minutes(3))) struct HTTPJobWorkerTests {
    static let lineCount = ActionTypeID(category: "Build", owner: "Custom", provider: "LineCount", version: "1")

    static func pipeline(_ name: String, minimum: String) -> PipelineDeclaration {
        var count = ActionDeclaration(
            name: "Count", actionTypeId: lineCount, configuration: ["Minimum": minimum],
            inputArtifacts: ["Src"], outputArtifacts: [OutputArtifact(name: "Report")])
        count.namespace = "Count"
        return PipelineDeclaration(name: name, stages: [
            PipelineRunTests.sourceStage,
            StageDeclaration(name: "Build", actions: [count]),
            StageDeclaration(name: "Use", actions: [
                ActionDeclaration(name: "Check", actionTypeId: .commands, commands: [
                    "grep -qx 'lines=3' report.txt", "test '#{Count.Lines}' = 3", "test '#{Count.Files}' = 1",
                ], inputArtifacts: ["Report"]),
            ]),
        ])
    }

    /// The custom action type examples/boto3-worker runs.
    static func createLineCountType(_ client: CodePipelineClient) async throws {
        let _: CreateCustomActionTypeOutput = try await client.call(.createCustomActionType, CreateCustomActionTypeInput(
            category: "Build", provider: "LineCount", version: "1",
            configurationProperties: [ActionConfigurationProperty(name: "Minimum", required: false)],
            inputArtifactDetails: ArtifactDetails(1, 1), outputArtifactDetails: ArtifactDetails(1, 1)))
    }

    @Test func aBoto3JobWorkerRunsACustomActionOnTheSharedQueue() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let client = cluster.client
            try await Self.createLineCountType(client)
            try await PipelineRunTests.putSource(in: cluster, content: "one\ntwo\nthree\n")
            let _: CreatePipelineOutput = try await client.call(.createPipeline, CreatePipelineInput(pipeline: Self.pipeline("lines", minimum: "2")))

            // By hand first: the API's rules for nonces, states and outputs.
            let first: StartPipelineExecutionOutput = try await client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "lines"))
            let job = try await withTimeout(.seconds(60), "a LineCount job to poll") {
                while true {
                    let polled: PollForJobsOutput = try await client.call(.pollForJobs, PollForJobsInput(actionTypeId: Self.lineCount, maxBatchSize: 5))
                    if let job = polled.jobs.first { return job }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(job.data.pipelineContext.pipelineExecutionId.rawValue == first.pipelineExecutionId)
            #expect(job.data.outputArtifacts.first?.location?.s3Location?.objectKey == "outputs/\(job.id)/Report")
            let again: PollForJobsOutput = try await client.call(.pollForJobs, PollForJobsInput(actionTypeId: Self.lineCount))
            #expect(again.jobs.isEmpty, "a polled job is not offered twice")
            await expectAPIError("InvalidJobStateException") {
                let _: EmptyOutput = try await client.call(.putJobSuccessResult, PutJobSuccessResultInput(jobId: job.id))
            }
            await expectAPIError("InvalidNonceException") {
                let _: AcknowledgeJobOutput = try await client.call(.acknowledgeJob, AcknowledgeJobInput(jobId: job.id, nonce: "0123"))
            }
            let acked: AcknowledgeJobOutput = try await client.call(.acknowledgeJob, AcknowledgeJobInput(jobId: job.id, nonce: job.nonce ?? ""))
            #expect(acked.status == "InProgress")
            let details: GetJobDetailsOutput = try await client.call(.getJobDetails, GetJobDetailsInput(jobId: job.id))
            #expect(details.jobDetails.data.inputArtifacts.first?.name == "Src")
            await expectAPIError("ValidationException", containing: "Report") {
                let _: EmptyOutput = try await client.call(.putJobSuccessResult, PutJobSuccessResultInput(jobId: job.id))
            }
            let _: EmptyOutput = try await client.call(.putJobFailureResult, PutJobFailureResultInput(
                jobId: job.id, failureDetails: FailureDetails(type: .configurationError, message: "refused by hand")))
            let failedByHand = try await PipelineRunTests.waitForEnd(first.pipelineExecutionId, of: "lines", in: cluster)
            #expect(failedByHand.status == .failed)
            #expect(try await PipelineRunTests.state(of: "lines", in: cluster)["Build/Count"]?.errorDetails?.message == "refused by hand")
            await expectAPIError("JobNotFoundException") {
                let _: EmptyOutput = try await client.call(.putJobFailureResult, PutJobFailureResultInput(
                    jobId: job.id, failureDetails: FailureDetails(type: .jobFailed, message: "again")))
            }

            // Then the boto3 worker, unchanged: one run that passes, one below the minimum.
            let script = PipelineRunTests.packageRoot.appendingPathComponent("examples/boto3-worker/worker.py")
            let worker = try ChildProcess.launch(
                URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, cluster.httpEndpoint.absoluteString],
                log: cluster.root.appendingPathComponent("boto3-worker.log"))
            defer { worker.kill() }
            let passing: StartPipelineExecutionOutput = try await client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "lines"))
            let passed = try await PipelineRunTests.waitForEnd(passing.pipelineExecutionId, of: "lines", in: cluster)
            let log = { (try? String(contentsOf: cluster.root.appendingPathComponent("boto3-worker.log"), encoding: .utf8)) ?? "" }
            #expect(passed.status == .succeeded, "\(passed.statusSummary ?? "") worker log: \(log())")
            #expect(try await PipelineRunTests.state(of: "lines", in: cluster)["Build/Count"]?.summary == "3 lines in 1 files")

            let _: CreatePipelineOutput = try await client.call(.createPipeline, CreatePipelineInput(pipeline: Self.pipeline("too-short", minimum: "10")))
            let failing: StartPipelineExecutionOutput = try await client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "too-short"))
            let failed = try await PipelineRunTests.waitForEnd(failing.pipelineExecutionId, of: "too-short", in: cluster)
            #expect(failed.status == .failed)
            #expect(try await PipelineRunTests.state(of: "too-short", in: cluster)["Build/Count"]?.errorDetails?.message == "only 3 lines; at least 10 needed")
        }
    }

    @Test func theArtifactBucketRefusesWritesOutsideOutputsAndCorruptUploads() async throws {
        try await BatonCluster.with { cluster in
            func request(_ method: String, _ key: String, body: Data = Data(), sha256: String? = nil) async throws -> (Int, String) {
                var request = URLRequest(url: cluster.httpEndpoint.appendingPathComponent("baton-artifacts/\(key)"))
                request.httpMethod = method
                request.httpBody = body
                if let sha256 { request.setValue(sha256, forHTTPHeaderField: "x-amz-content-sha256") }
                let (data, response) = try await URLSession.shared.data(for: request)
                return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
            }
            let denied = try await request("PUT", "sha256/\(String(repeating: "a", count: 64))", body: Data("x".utf8))
            #expect(denied.0 == 403 && denied.1.contains("<Code>AccessDenied</Code>"))
            let wrongDigest = String(repeating: "0", count: 64)
            let corrupt = try await request("PUT", "outputs/j-1/Out", body: Data("hello".utf8), sha256: wrongDigest)
            #expect(corrupt.0 == 400 && corrupt.1.contains("XAmzContentSHA256Mismatch"))
            let missing = try await request("GET", "outputs/j-1/Out")
            #expect(missing.0 == 404 && missing.1.contains("NoSuchKey"), "a refused upload stores nothing")
            let helloDigest = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
            let stored = try await request("PUT", "outputs/j-1/Out", body: Data("hello".utf8), sha256: helloDigest)
            #expect(stored.0 == 200)
            let back = try await request("GET", "sha256/\(helloDigest)")
            #expect(back.0 == 200 && back.1 == "hello")
            // The bucket's bytes count with the ZeroMQ transfers' (none here): 5 in, 5 out.
            let (data, _) = try await URLSession.shared.data(from: cluster.httpEndpoint.appendingPathComponent("metrics"))
            let metrics = String(decoding: data, as: UTF8.self)
            #expect(metrics.contains(#"baton_artifact_bytes_total{direction="in"} 5"#), "\(metrics)")
            #expect(metrics.contains(#"baton_artifact_bytes_total{direction="out"} 5"#), "\(metrics)")
        }
    }
}

/// Runs `body`, which must fail with the CodePipeline exception `type`.
func expectAPIError(_ type: String, containing text: String? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(type), but the call succeeded", sourceLocation: sourceLocation)
    } catch CodePipelineClient.Failure.api(let error) {
        #expect(error.type == type, "\(error)", sourceLocation: sourceLocation)
        if let text { #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected \(type), got \(error)", sourceLocation: sourceLocation)
    }
}
