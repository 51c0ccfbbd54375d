import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// A Lambda invoke action over a registered local executable, run by a real worker process: it
/// reads CodePipeline's job event, transforms its input artifact into an output artifact and
/// reports an output variable that a later action uses.
@Suite(.timeLimit(.minutes(3))) struct LambdaInvokeTests {
    @Test func aRegisteredFunctionRunsAsAnInvokeActionWithArtifactsAndVariables() async throws {
        let functions = FileManager.default.temporaryDirectory.appendingPathComponent("baton-functions-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: functions) }
        try FileManager.default.createDirectory(at: functions, withIntermediateDirectories: true)
        let function = functions.appendingPathComponent("shout")
        try Data("""
            #!/usr/bin/env python3
            import json, sys, zipfile
            data = json.load(sys.stdin)["CodePipeline.job"]["data"]
            text = zipfile.ZipFile(data["inputArtifacts"][0]["location"]["s3Location"]["localPath"]).read("file.txt").decode()
            with zipfile.ZipFile(data["outputArtifacts"][0]["location"]["s3Location"]["localPath"], "w") as out:
                out.writestr("loud.txt", text.upper())
            params = data["actionConfiguration"]["configuration"]["UserParameters"]
            print(json.dumps({"status": "Succeeded", "summary": "shouted", "outputVariables": {"PARAMS": params}}))
            """.utf8).write(to: function)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: function.path)

        try await BatonCluster.with(workers: 1, workerArguments: ["--functions", functions.path]) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "quiet words\n")
            var shout = ActionDeclaration(
                name: "Shout", actionTypeId: .lambdaInvoke, configuration: ["FunctionName": "shout", "UserParameters": "level=11"],
                inputArtifacts: ["Src"], outputArtifacts: [OutputArtifact(name: "Loud")])
            shout.namespace = "Shout"
            let declaration = PipelineDeclaration(name: "invoke", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Invoke", actions: [shout]),
                StageDeclaration(name: "Use", actions: [
                    ActionDeclaration(
                        name: "Check", actionTypeId: .commands, commands: ["test \"$(cat loud.txt)\" = 'QUIET WORDS'", "echo '#{Shout.PARAMS}' > params.txt"],
                        inputArtifacts: ["Loud"], outputArtifacts: [OutputArtifact(name: "Params", files: ["params.txt"])]),
                ]),
            ])
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "invoke"))
            let execution = try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "invoke", in: cluster)
            #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
            let actions = try await PipelineRunTests.state(of: "invoke", in: cluster)
            #expect(actions["Invoke/Shout"]?.summary == "shouted")
            let digest = try #require(execution.artifactRevisions.first { $0.name == "Params" }?.revisionId)
            let object = cluster.dataDirectory.appendingPathComponent("artifacts/objects/\(digest.prefix(2))/\(digest)")
            #expect(try await runTool("/usr/bin/unzip", ["-p", object.path, "params.txt"]).output == "level=11\n")
        }
    }
}
