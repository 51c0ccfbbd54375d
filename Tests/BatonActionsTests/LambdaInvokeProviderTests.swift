import BatonModel
import BatonWorker
import Foundation
import Logging
import Testing
import ZIPFoundation
@testable import BatonActions

@Suite struct LambdaInvokeProviderTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-lambda-\(UUID().uuidString.prefix(8))")
    var registry: URL { root.appendingPathComponent("functions") }

    func register(_ name: String, _ script: String) throws {
        try FileManager.default.createDirectory(at: registry, withIntermediateDirectories: true)
        let file = registry.appendingPathComponent(name)
        try Data(script.utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
    }

    func job(_ function: String, parameters: String = "", input: [String: String]? = nil, outputs: [String] = []) throws -> JobContext {
        var inputs: [String: URL] = [:]
        var artifacts: [JobArtifact] = []
        if let input {
            let archive = root.appendingPathComponent("In.zip")
            try TestArchives.zip(input, in: root.appendingPathComponent("input"), to: archive)
            inputs["In"] = archive
            artifacts.append(JobArtifact(name: "In", revision: "abc123"))
        }
        let data = JobData(
            actionTypeId: .lambdaInvoke, configuration: ["FunctionName": function, "UserParameters": parameters],
            pipelineContext: PipelineContext(pipelineName: "shop", stageName: "Notify", actionName: "Invoke", actionExecutionID: ActionExecutionID(rawValue: "x"), executionID: ExecutionID(rawValue: "e")),
            inputArtifacts: artifacts, outputArtifacts: outputs.map { JobArtifact(name: $0) })
        return JobContext(
            jobID: JobID(rawValue: "job-1"), data: data, workDirectory: root.appendingPathComponent("job/src"), inputs: inputs,
            outputDirectory: root.appendingPathComponent("job/out"), logger: Logger(label: "test"), log: { _ in })
    }

    @Test func theFunctionReadsTheJobEventAndReportsVariablesAndAnOutputArtifact() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        // A real function: reads the event with python3, unzips its input, writes an output zip.
        try register("stamp", """
            #!/usr/bin/env python3
            import json, sys, zipfile
            job = json.load(sys.stdin)["CodePipeline.job"]
            data = job["data"]
            source = zipfile.ZipFile(data["inputArtifacts"][0]["location"]["s3Location"]["localPath"]).read("app.txt").decode()
            with zipfile.ZipFile(data["outputArtifacts"][0]["location"]["s3Location"]["localPath"], "w") as out:
                out.writestr("stamped.txt", source.strip() + " " + data["actionConfiguration"]["configuration"]["UserParameters"])
            print("stamping", file=sys.stderr)
            print(json.dumps({"status": "Succeeded", "summary": "stamped " + job["id"], "outputVariables": {"REVISION": data["inputArtifacts"][0]["revision"]}}))
            """)
        let result = try await LambdaInvokeProvider(registry: registry).run(try job("stamp", parameters: "v7", input: ["app.txt": "shop\n"], outputs: ["Out"]))
        guard case .succeeded(let products) = result else { Issue.record("expected success, got \(result)"); return }
        #expect(products.summary == "stamped job-1")
        #expect(products.variables == ["REVISION": "abc123"])
        let unzipped = try runUnzip(try #require(products.artifacts["Out"]))
        #expect(unzipped == "shop v7")
    }

    /// The concatenated contents of every entry, as `unzip -p` prints them.
    func runUnzip(_ archive: URL) throws -> String {
        let zip = try Archive(url: archive, accessMode: .read)
        var data = Data()
        for entry in zip {
            _ = try zip.extract(entry) { data.append($0) }
        }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aReportedFailureAndAFailingExitAreFailuresWithTheirMessages() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try register("refuse", "#!/bin/sh\necho '{\"status\": \"Failed\", \"message\": \"quota exceeded\", \"type\": \"ConfigurationError\"}'\n")
        guard case .failed(let reported) = try await LambdaInvokeProvider(registry: registry).run(try job("refuse")) else { Issue.record("expected failure"); return }
        #expect(reported.type == .configurationError && reported.message == "quota exceeded")

        try register("crash", "#!/bin/sh\necho 'cannot reach the database' >&2\nexit 3\n")
        guard case .failed(let crashed) = try await LambdaInvokeProvider(registry: registry).run(try job("crash")) else { Issue.record("expected failure"); return }
        #expect(crashed.type == .jobFailed)
        #expect(crashed.message == "Function crash failed (exited(3)): cannot reach the database")

        try register("quiet", "#!/bin/sh\ntrue\n")
        guard case .succeeded(let quiet) = try await LambdaInvokeProvider(registry: registry).run(try job("arn:aws:lambda:us-east-1:123:function:quiet")) else {
            Issue.record("an ARN names the function by its name"); return
        }
        #expect(quiet.summary == "Function quiet succeeded")

        guard case .failed(let missing) = try await LambdaInvokeProvider(registry: registry).run(try job("nope")) else { Issue.record("expected failure"); return }
        #expect(missing.type == .configurationError && missing.message.hasPrefix("Function nope is not registered"))
    }
}
