import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// SigV4 on the HTTP API: the aws CLI, boto3 (API and artifact bucket) and `baton` sign with a
/// configured key and are let in; a wrong or missing signature is refused as AWS refuses it.
@Suite(.timeLimit(.minutes(3))) struct AuthenticationTests {
    static let key = AccessKey(id: "AKIABATONTEST", secret: "test-secret/with+chars")

    static func awsCLI() throws -> String {
        try #require(executableOnPath("aws"), "the aws CLI is not installed (scripts/bootstrap installs it)")
    }

    static func environment(id: String, secret: String) -> [String: String] {
        ProcessInfo.processInfo.environment.merging([
            "AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
        ]) { $1 }
    }

    @Test func signedRequestsGetInAndWrongOnesAreRefused() async throws {
        let aws = try Self.awsCLI()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-auth-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let credentials = folder.appendingPathComponent("credentials")
        try "[ci]\naws_access_key_id = \(Self.key.id)\naws_secret_access_key = \(Self.key.secret)\n".write(to: credentials, atomically: true, encoding: .utf8)

        try await BatonCluster.with(workers: 1, coordinatorArguments: ["--credentials", credentials.path]) { cluster in
            let endpoint = cluster.httpEndpoint.absoluteString
            await expectAPIError("MissingAuthenticationTokenException") {
                let _: ListPipelinesOutput = try await cluster.client.call(.listPipelines, ListPipelinesInput())
            }
            await expectAPIError("InvalidSignatureException") {
                let _: ListPipelinesOutput = try await CodePipelineClient(endpoint: cluster.httpEndpoint, accessKey: AccessKey(id: Self.key.id, secret: "wrong"))
                    .call(.listPipelines, ListPipelinesInput())
            }
            await expectAPIError("UnrecognizedClientException") {
                let _: ListPipelinesOutput = try await CodePipelineClient(endpoint: cluster.httpEndpoint, accessKey: AccessKey(id: "AKIAOTHER", secret: "x"))
                    .call(.listPipelines, ListPipelinesInput())
            }

            // The aws CLI, as shipped.
            let right = Self.environment(id: Self.key.id, secret: Self.key.secret)
            let hello = PipelineRunTests.packageRoot.appendingPathComponent("examples/hello/pipeline.json").path
            let created = try await runTool(aws, ["codepipeline", "create-pipeline", "--endpoint-url", endpoint, "--cli-input-json", "file://\(hello)"], environment: right)
            #expect(created.status == 0, "\(created.output)")
            let refused = try await runTool(aws, ["codepipeline", "list-pipelines", "--endpoint-url", endpoint], environment: Self.environment(id: Self.key.id, secret: "wrong"))
            #expect(refused.status != 0)
            #expect(refused.output.contains("An error occurred (InvalidSignatureException) when calling the ListPipelines operation"), "\(refused.output)")

            // baton signs with the same variables the aws CLI reads.
            let listed = try await runBaton(["pipeline", "list", "--endpoint", endpoint], environment: ["AWS_ACCESS_KEY_ID": Self.key.id, "AWS_SECRET_ACCESS_KEY": Self.key.secret])
            #expect(listed.status == 0 && listed.stdout.contains("hello"), "\(listed.stderr)")
            let unsigned = try await runBaton(["pipeline", "list", "--endpoint", endpoint], environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""])
            #expect(unsigned.status != 0 && unsigned.stderr.contains("MissingAuthenticationTokenException"), "\(unsigned.stderr)")

            // boto3: a job worker signs its polls, and reaches the artifact bucket with the
            // credentials its job carries.
            let signed = CodePipelineClient(endpoint: cluster.httpEndpoint, accessKey: Self.key)
            try await HTTPJobWorkerTests.createLineCountType(signed)
            try await PipelineRunTests.putSource(in: cluster, content: "a\nb\nc\n")
            let _: CreatePipelineOutput = try await signed.call(.createPipeline, CreatePipelineInput(pipeline: HTTPJobWorkerTests.pipeline("lines", minimum: "1")))
            let script = PipelineRunTests.packageRoot.appendingPathComponent("examples/boto3-worker/worker.py")
            let worker = try ChildProcess.launch(
                URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, endpoint],
                log: cluster.root.appendingPathComponent("boto3-worker.log"), environment: right)
            defer { worker.kill() }
            let started: StartPipelineExecutionOutput = try await signed.call(.startPipelineExecution, StartPipelineExecutionInput(name: "lines"))
            let ended = try await withTimeout(.seconds(90), "the pipeline to end") {
                while true {
                    let output: GetPipelineExecutionOutput = try await signed.call(
                        .getPipelineExecution, GetPipelineExecutionInput(pipelineName: "lines", pipelineExecutionId: started.pipelineExecutionId))
                    if output.pipelineExecution.status.isTerminal { return output.pipelineExecution }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let log = (try? String(contentsOf: cluster.root.appendingPathComponent("boto3-worker.log"), encoding: .utf8)) ?? ""
            #expect(ended.status == .succeeded, "\(ended.statusSummary ?? "") worker log: \(log)")
        }
    }

    @Test func anUnsignedAPIIsRefusedOnANonLoopbackAddress() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-auth-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await runBaton(["coordinator", "--data-dir", folder.path, "--listen-http", "0.0.0.0:0", "--listen-workers", "tcp://127.0.0.1:0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("refusing to serve the HTTP API on 0.0.0.0 without signature checks"), "\(result.stderr)")
    }
}
