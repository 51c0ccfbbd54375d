import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// A pending manual approval is announced through its NotificationArn: a command that reads the
/// notification on stdin, and a webhook URL that receives it as a POST.
@Suite(.timeLimit(.minutes(3))) struct ApprovalNotificationTests {
    struct Notification: Decodable {
        struct Approval: Decodable {
            var pipelineName: String
            var stageName: String
            var actionName: String
            var token: String
            var customData: String?
            var externalEntityLink: String?
        }

        var approval: Approval
    }

    static func gatedPipeline(_ name: String, notify target: String) -> PipelineDeclaration {
        var declaration = ExecutionControlTests.pipeline(name, build: ["true"])
        declaration.stages.insert(StageDeclaration(name: "Approval", actions: [
            ActionDeclaration(
                name: "Release", actionTypeId: .init(category: "Approval", owner: "AWS", provider: "Manual", version: "1"),
                configuration: ["CustomData": "Ship #{codepipeline.PipelineExecutionId}?", "ExternalEntityLink": "https://example.com/diff", "NotificationArn": target]),
        ]), at: 2)
        return declaration
    }

    /// Waits for `file` to hold a notification and decodes it.
    static func notification(in file: URL) async throws -> Notification {
        try await withTimeout(.seconds(30), "the approval notification in \(file.lastPathComponent)") {
            while true {
                if let data = try? Data(contentsOf: file), !data.isEmpty, let decoded = try? JSONDecoder().decode(Notification.self, from: data) {
                    return decoded
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    static func pendingToken(_ pipeline: String, in cluster: BatonCluster) async throws -> String {
        let state: GetPipelineStateOutput = try await cluster.client.call(.getPipelineState, GetPipelineStateInput(name: pipeline))
        return try #require(state.stageStates[2].actionStates[0].latestExecution?.token)
    }

    @Test func aCommandAndAWebhookAreToldOfThePendingApprovalWithItsToken() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")

            // The command: writes what it is told to a file.
            let received = cluster.root.appendingPathComponent("told-command.json")
            let command = cluster.root.appendingPathComponent("notify.sh")
            try Data("#!/bin/sh\ncat > '\(received.path)'\n".utf8).write(to: command)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: command.path)

            // The webhook: a real HTTP server (python3) that saves the body of one POST.
            let posted = cluster.root.appendingPathComponent("told-webhook.json")
            let server = cluster.root.appendingPathComponent("hook.py")
            try Data("""
                import http.server, sys
                class Hook(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        body = self.rfile.read(int(self.headers["Content-Length"]))
                        open(sys.argv[1], "wb").write(body)
                        self.send_response(204)
                        self.end_headers()
                server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
                print("listening", server.server_address[1], flush=True)
                server.serve_forever()
                """.utf8).write(to: server)
            let hook = try ChildProcess.launch(URL(fileURLWithPath: "/usr/bin/python3"), [server.path, posted.path], log: cluster.root.appendingPathComponent("hook.log"))
            defer { hook.kill() }
            let line = try await hook.waitForLine(prefix: "listening", timeout: .seconds(20))
            let port = try #require(line.split(separator: " ").last.map(String.init))

            for (name, target, file) in [("told-by-command", command.path, received), ("told-by-webhook", "http://127.0.0.1:\(port)/approvals", posted)] {
                let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: Self.gatedPipeline(name, notify: target)))
                let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: name))
                let told = try await Self.notification(in: file)
                #expect(told.approval.pipelineName == name)
                #expect(told.approval.stageName == "Approval" && told.approval.actionName == "Release")
                #expect(told.approval.customData == "Ship \(started.pipelineExecutionId)?")
                #expect(told.approval.externalEntityLink == "https://example.com/diff")
                #expect(told.approval.token == (try await Self.pendingToken(name, in: cluster)))
            }
        }
    }
}
