import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// examples/shop/pipeline.json as written — git source, CodeBuild build, two parallel CodeBuild
/// test suites with JUnit reports, manual approval, S3 deploys to staging and production — over
/// a real repository made from examples/shop/project, two worker processes and the CLI.
@Suite(.timeLimit(.minutes(4))) struct ShopExampleTests {
    @Test func theShopPipelineRunsAsWrittenFromAPushToProduction() async throws {
        try await BatonCluster.with(workers: 2) { cluster in
            let repository = cluster.root.appendingPathComponent("git/shop/app.git")
            let checkout = cluster.root.appendingPathComponent("checkout")
            let project = PipelineRunTests.packageRoot.appendingPathComponent("examples/shop/project")
            _ = try await runTool("/bin/cp", ["-R", project.path + "/.", checkout.path + "/"])
            func git(_ arguments: [String], in folder: URL? = nil) throws {
                let result = try runQuickTool("/usr/bin/git", ["-C", (folder ?? checkout).path, "-c", "user.name=Ada", "-c", "user.email=ada@example.com"] + arguments)
                guard result.status == 0 else { throw ClusterError("git \(arguments): \(result.output)") }
            }
            try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
            try git(["init", "--quiet", "--bare", "--initial-branch=main"], in: repository)
            try git(["init", "--quiet", "--initial-branch=main"])
            try git(["add", "-A"])
            try git(["commit", "--quiet", "-m", "Import the shop"])
            try git(["push", "--quiet", repository.path, "main"])

            let endpoint = cluster.httpEndpoint.absoluteString
            let connection = try await runBaton([
                "connection", "create", "demo", "--provider-type", "GitHub", "--url", cluster.root.appendingPathComponent("git/{FullRepositoryId}.git").path,
                "--endpoint", endpoint,
            ])
            #expect(connection.stdout == "arn:aws:codeconnections:local:000000000000:connection/demo\n", "\(connection.stderr)")
            let created = try await runBaton(["pipeline", "create", "-f", PipelineRunTests.packageRoot.appendingPathComponent("examples/shop/pipeline.json").path, "--endpoint", endpoint])
            #expect(created.status == 0, "\(created.stderr)")
            try await SourceTriggerTests.waitUntilSeen(nil, in: cluster)

            try Data("2.0.0\n".utf8).write(to: checkout.appendingPathComponent("services/api/version.txt"))
            try git(["commit", "--quiet", "-am", "API 2.0.0"])
            try git(["push", "--quiet", repository.path, "main"])
            let summary = try await withTimeout(.seconds(30), "the push to start the shop pipeline") {
                while true {
                    let output: ListPipelineExecutionsOutput = try await cluster.client.call(.listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: "shop"))
                    if let first = output.pipelineExecutionSummaries.first { return first }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(summary.trigger.triggerType == "WebhookV2")
            try await withTimeout(.seconds(120), "the release approval to be pending") {
                while true {
                    let actions = try await PipelineRunTests.state(of: "shop", in: cluster)
                    if actions["Approval/Promote"]?.status == .inProgress { return }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            let actions = try await PipelineRunTests.state(of: "shop", in: cluster)
            #expect(actions["Test/UnitTests"]?.summary == "Build shop-unit-tests succeeded (1 phase). Reports: tests 4 passed, 0 failed")
            #expect(actions["Test/ApiTests"]?.summary == "Build shop-api-tests succeeded (1 phase). Reports: tests 3 passed, 0 failed")
            let approved = try await runBaton(["approve", "shop", "Approval", "Promote", "--summary", "ship 2.0.0", "--endpoint", endpoint])
            #expect(approved.status == 0, "\(approved.stderr)")

            let end = try await PipelineRunTests.waitForEnd(summary.pipelineExecutionId, of: "shop", in: cluster, timeout: .seconds(120))
            #expect(end.status == .succeeded, "\(end.statusSummary ?? "")")
            #expect(Set(end.artifactRevisions.map(\.name)) == ["SourceOutput", "BuildOutput", "UnitReport", "ApiReport"])
            for bucket in ["shop-staging", "shop-production"] {
                let page = try String(contentsOf: cluster.bucketRoot.appendingPathComponent("\(bucket)/index.html"), encoding: .utf8)
                #expect(page.contains("<h1>Shop 2.0.0</h1>"), "\(bucket): \(page)")
                #expect(page.contains("\"sku\": \"TEA-01\""))
            }
        }
    }
}
