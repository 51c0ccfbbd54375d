import BatonAPI
import BatonTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// CodePipeline's wire protocol as clients send it: raw AWS JSON 1.1 requests and the real aws CLI.
@Suite(.timeLimit(.minutes(2))) struct ControlAPITests {
    static func post(_ cluster: BatonCluster, target: String?, body: String) async throws -> (Int, [String: String], [String: Any]) {
        var request = URLRequest(url: cluster.httpEndpoint)
        request.httpMethod = "POST"
        if let target { request.setValue(target, forHTTPHeaderField: "X-Amz-Target") }
        request.setValue("application/x-amz-json-1.1", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (http.statusCode, headers, json)
    }

    struct BadRequest: CustomTestStringConvertible, Sendable {
        let name: String
        let target: String?
        let body: String
        let type: String
        let message: String
        var testDescription: String { name }
    }

    static let badRequests: [BadRequest] = [
        .init(name: "no target", target: nil, body: "{}", type: "UnknownOperationException", message: "Unknown operation: no X-Amz-Target header"),
        .init(name: "unknown operation", target: "CodePipeline_20150709.LaunchRocket", body: "{}", type: "UnknownOperationException", message: "Unknown operation: 'CodePipeline_20150709.LaunchRocket'"),
        .init(name: "not JSON", target: "CodePipeline_20150709.GetPipeline", body: "{nope", type: "SerializationException", message: "The request body is not valid JSON"),
        .init(name: "missing member", target: "CodePipeline_20150709.GetPipeline", body: "{}", type: "ValidationException", message: "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        .init(name: "unknown pipeline", target: "CodePipeline_20150709.GetPipelineState", body: #"{"name": "ghost"}"#, type: "PipelineNotFoundException", message: "Pipeline with name ghost does not exist."),
        .init(name: "bad page size", target: "CodePipeline_20150709.ListPipelines", body: #"{"maxResults": 0}"#, type: "ValidationException", message: "Member must have value between 1 and 1000"),
        .init(name: "bad next token", target: "CodePipeline_20150709.ListPipelines", body: #"{"nextToken": "garbage"}"#, type: "InvalidNextTokenException", message: "The next token 'garbage' is not valid"),
        .init(name: "bad executions token", target: "CodePipeline_20150709.ListPipelineExecutions", body: #"{"pipelineName": "p", "nextToken": "o.1"}"#, type: "InvalidNextTokenException", message: "The next token 'o.1' is not valid"),
        .init(name: "invalid declaration", target: "CodePipeline_20150709.CreatePipeline",
              body: #"{"pipeline": {"name": "p", "stages": [{"name": "Only", "actions": [{"name": "x", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}}]}]}}"#,
              type: "InvalidStructureException", message: "5 validation errors detected: Pipeline p has 1 stage"),
        .init(name: "unknown member", target: "CodePipeline_20150709.CreatePipeline",
              body: #"{"pipeline": {"name": "p", "stage": []}}"#,
              type: "ValidationException", message: "Unknown field 'stage' at 'pipeline'"),
        .init(name: "no pipeline member", target: "CodePipeline_20150709.UpdatePipeline", body: "{}",
              type: "ValidationException", message: "Value null at 'pipeline' failed to satisfy constraint: Member must not be null"),
        .init(name: "undeclared variable", target: "CodePipeline_20150709.StartPipelineExecution",
              body: #"{"name": "ghost", "variables": [{"name": "X", "value": "1"}]}"#,
              type: "PipelineNotFoundException", message: "Pipeline with name ghost does not exist."),
    ]

    @Test func errorsUseTheAWSJSONShape() async throws {
        try await BatonCluster.with { cluster in
            for bad in Self.badRequests {
                let (status, headers, json) = try await Self.post(cluster, target: bad.target, body: bad.body)
                #expect(status == 400, "\(bad.name)")
                #expect(headers["content-type"] == "application/x-amz-json-1.1", "\(bad.name)")
                #expect(headers["x-amzn-requestid"]?.isEmpty == false, "\(bad.name)")
                #expect(json["__type"] as? String == bad.type, "\(bad.name): \(json)")
                #expect((json["message"] as? String)?.contains(bad.message) == true, "\(bad.name): \(json)")
            }
        }
    }

    @Test func pipelinesArePagedWithAnOpaqueNextToken() async throws {
        try await BatonCluster.with { cluster in
            for name in ["a", "b", "c"] {
                let declaration = #"{"pipeline": {"name": "\#(name)", "stages": [{"name": "S", "actions": [{"name": "f", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}, "configuration": {"S3Bucket": "b", "S3ObjectKey": "k"}, "outputArtifacts": [{"name": "A"}]}]}, {"name": "B", "actions": [{"name": "c", "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"}, "commands": ["true"], "inputArtifacts": [{"name": "A"}]}]}]}}"#
                let (status, _, json) = try await Self.post(cluster, target: "CodePipeline_20150709.CreatePipeline", body: declaration)
                #expect(status == 200, "\(json)")
            }
            var names: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let body = token.map { #"{"maxResults": 2, "nextToken": "\#($0)"}"# } ?? #"{"maxResults": 2}"#
                let (_, _, json) = try await Self.post(cluster, target: "CodePipeline_20150709.ListPipelines", body: body)
                names += ((json["pipelines"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
                token = json["nextToken"] as? String
                pages += 1
            } while token != nil && pages < 5
            #expect(names == ["a", "b", "c"])
            #expect(pages == 2)
        }
    }

    /// The real `aws codepipeline` CLI against a coordinator: a declaration printed by
    /// `get-pipeline` loads back through `baton pipeline create` unchanged.
    @Test func theAWSCLIDrivesBatonAndItsOutputRoundTrips() async throws {
        let aws = try #require(executableOnPath("aws"), "the aws CLI is not installed (scripts/bootstrap installs it)")
        try await BatonCluster.with { cluster in
            let environment = ProcessInfo.processInfo.environment.merging([
                "AWS_ACCESS_KEY_ID": "baton", "AWS_SECRET_ACCESS_KEY": "baton", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
            ]) { $1 }
            let endpoint = cluster.httpEndpoint.absoluteString
            let hello = PipelineRunTests.packageRoot.appendingPathComponent("examples/hello/pipeline.json").path
            let created = try await runTool(aws, ["codepipeline", "create-pipeline", "--endpoint-url", endpoint, "--cli-input-json", "file://\(hello)"], environment: environment)
            #expect(created.status == 0, "\(created.output)")
            let got = try await runTool(aws, ["codepipeline", "get-pipeline", "--endpoint-url", endpoint, "--name", "hello"], environment: environment)
            #expect(got.status == 0, "\(got.output)")
            let missing = try await runTool(aws, ["codepipeline", "get-pipeline", "--endpoint-url", endpoint, "--name", "nope"], environment: environment)
            #expect(missing.status != 0)
            #expect(missing.output.contains("An error occurred (PipelineNotFoundException) when calling the GetPipeline operation: Pipeline with name nope does not exist."))

            // Delete it, then create it again from the aws CLI's own output.
            let printed = cluster.root.appendingPathComponent("printed.json")
            try got.output.write(to: printed, atomically: true, encoding: .utf8)
            let delete = try await runBaton(["pipeline", "delete", "hello", "--endpoint", endpoint])
            #expect(delete.status == 0, "\(delete.stderr)")
            let recreate = try await runBaton(["pipeline", "create", "-f", printed.path, "--endpoint", endpoint])
            #expect(recreate.status == 0, "\(recreate.stderr)")
            let again = try await runBaton(["pipeline", "get", "hello", "--endpoint", endpoint])
            let before = try JSONSerialization.jsonObject(with: Data(got.output.utf8)) as? [String: Any]
            let after = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
            #expect((before?["pipeline"] as? NSDictionary) == (after?["pipeline"] as? NSDictionary))

            var ids: Set<String> = []
            for _ in 1...3 {
                let started = try await runTool(aws, ["codepipeline", "start-pipeline-execution", "--endpoint-url", endpoint, "--name", "hello"], environment: environment)
                #expect(started.status == 0 && started.output.contains("pipelineExecutionId"), "\(started.output)")
                let json = try JSONSerialization.jsonObject(with: Data(started.output.utf8)) as? [String: Any]
                if let id = json?["pipelineExecutionId"] as? String { ids.insert(id) }
            }
            // The CLI follows nextToken itself; one execution a page, it sees each once.
            let listed = try await runTool(
                aws, ["codepipeline", "list-pipeline-executions", "--endpoint-url", endpoint, "--pipeline-name", "hello", "--page-size", "1"], environment: environment)
            #expect(listed.status == 0, "\(listed.output)")
            let summaries = (try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any])?["pipelineExecutionSummaries"] as? [[String: Any]] ?? []
            #expect(summaries.compactMap { $0["pipelineExecutionId"] as? String }.count == 3)
            #expect(Set(summaries.compactMap { $0["pipelineExecutionId"] as? String }) == ids)
        }
    }
}
