import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Crypto
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A git repository, a connection to it, and a pipeline that builds with CodeBuild and deploys to
/// an S3 folder, started by pushes through a V2 trigger, over real coordinator and worker processes.
@Suite(.timeLimit(.minutes(4))) struct SourceTriggerTests {
    static let buildspec = """
        version: 0.2
        env:
          exported-variables: [ API_VERSION ]
        phases:
          build:
            commands:
              - mkdir -p site
              - export API_VERSION=$(cat services/api/version.txt)
              - printf 'api %s at %s\\n' "$API_VERSION" "$CODEBUILD_RESOLVED_SOURCE_VERSION" > site/index.html
        artifacts:
          base-directory: site
          files: [ '**/*' ]
        """

    static func pipeline(_ arn: String) throws -> PipelineDeclaration {
        let json = """
            {"pipeline": {"name": "shop", "pipelineType": "V2", "roleArn": "arn:aws:iam::000000000000:role/baton",
              "artifactStore": {"type": "S3", "location": "baton"},
              "stages": [
                {"name": "Source", "actions": [{"name": "Code", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "CodeStarSourceConnection", "version": "1"},
                  "configuration": {"ConnectionArn": "\(arn)", "FullRepositoryId": "shop/api", "BranchName": "main"}, "outputArtifacts": [{"name": "Src"}]}]},
                {"name": "Build", "actions": [{"name": "Site", "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                  "configuration": {"ProjectName": "shop-site"}, "inputArtifacts": [{"name": "Src"}], "outputArtifacts": [{"name": "Site"}], "namespace": "Build"}]},
                {"name": "Deploy", "actions": [{"name": "Web", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
                  "configuration": {"BucketName": "web", "Extract": "true"}, "inputArtifacts": [{"name": "Site"}]}]}
              ],
              "triggers": [{"providerType": "CodeStarSourceConnection", "gitConfiguration": {"sourceActionName": "Code",
                "push": [{"branches": {"includes": ["main"]}, "filePaths": {"excludes": ["docs/**"]}}]}}]
            }}
            """
        return try PipelineDocument.declaration(from: JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))
    }

    /// Commits `files` on main and returns the commit id.
    static func commit(_ repository: URL, _ message: String, _ files: [String: String]) throws -> String {
        for (path, content) in files {
            let file = repository.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: file)
        }
        let git = { (arguments: [String]) throws -> String in
            let result = try runQuickTool("/usr/bin/git", ["-C", repository.path, "-c", "user.name=Ada", "-c", "user.email=ada@example.com"] + arguments)
            guard result.status == 0 else { throw ClusterError("git \(arguments) failed: \(result.output)") }
            return result.output
        }
        _ = try git(["add", "-A"])
        _ = try git(["commit", "--quiet", "-m", message])
        return try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func executions(_ cluster: BatonCluster) async throws -> [PipelineExecutionSummary] {
        let output: ListPipelineExecutionsOutput = try await cluster.client.call(.listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: "shop"))
        return output.pipelineExecutionSummaries
    }

    /// Waits until the watcher has recorded `commit` as main's head (it has looked at it).
    static func waitUntilSeen(_ commit: String?, in cluster: BatonCluster) async throws {
        try await withTimeout(.seconds(30), "the trigger watcher to look at the repository") {
            while true {
                let folder = cluster.dataDirectory.appendingPathComponent("triggers")
                let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                if let file = files.first(where: { $0.hasSuffix(".refs.json") }),
                   let refs = try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: folder.appendingPathComponent(file))),
                   commit == nil || refs["refs/heads/main"] == commit {
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Waits for an execution other than `known` and returns it once it has ended.
    static func nextExecution(after known: Set<String>, in cluster: BatonCluster) async throws -> (PipelineExecutionSummary, PipelineExecutionShape) {
        let summary = try await withTimeout(.seconds(30), "a triggered execution") {
            while true {
                if let new = try await executions(cluster).first(where: { !known.contains($0.pipelineExecutionId) }) { return new }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return (summary, try await PipelineRunTests.waitForEnd(summary.pipelineExecutionId, of: "shop", in: cluster))
    }

    @Test func pushesStartThePipelineThroughItsFiltersAndARollbackRestoresTheRelease() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let repository = cluster.root.appendingPathComponent("git/shop/api")
            try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
            _ = try await runTool("/usr/bin/git", ["init", "--quiet", "--initial-branch=main", repository.path])
            _ = try Self.commit(repository, "Start", ["buildspec.yml": Self.buildspec, "services/api/version.txt": "1", "docs/readme.md": "hello\n"])

            let connection: CreateConnectionOutput = try await cluster.client.post(
                CreateConnectionInput.path, CreateConnectionInput(connectionName: "local", providerType: "GitHub", url: cluster.root.appendingPathComponent("git").path))
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: try Self.pipeline(connection.connectionArn)))
            try await Self.waitUntilSeen(nil, in: cluster)

            // A push that touches only docs/ is excluded by the filter: nothing starts.
            let docs = try Self.commit(repository, "Docs only", ["docs/readme.md": "hello again\n"])
            try await Self.waitUntilSeen(docs, in: cluster)
            #expect(try await Self.executions(cluster).isEmpty)

            // A push touching services/api/ starts it, at exactly that commit.
            let v2 = try Self.commit(repository, "API 2", ["services/api/version.txt": "2"])
            let (first, firstEnd) = try await Self.nextExecution(after: [], in: cluster)
            #expect(firstEnd.status == .succeeded, "\(firstEnd.statusSummary ?? "")")
            #expect(first.trigger.triggerType == "WebhookV2")
            #expect(first.trigger.triggerDetail?.hasPrefix("refs/heads/main \(v2) (1 file changed)") == true)
            let live = cluster.bucketRoot.appendingPathComponent("web/index.html")
            let released = try Data(contentsOf: live)
            #expect(String(decoding: released, as: UTF8.self) == "api 2 at \(v2)\n")
            let actions = try await PipelineRunTests.state(of: "shop", in: cluster)
            #expect(actions["Source/Code"]?.summary == "API 2")

            let v3 = try Self.commit(repository, "API 3", ["services/api/version.txt": "3"])
            let (_, secondEnd) = try await Self.nextExecution(after: [first.pipelineExecutionId], in: cluster)
            #expect(secondEnd.status == .succeeded, "\(secondEnd.statusSummary ?? "")")
            #expect(try String(contentsOf: live, encoding: .utf8) == "api 3 at \(v3)\n")

            // Rolling the Deploy stage back to the first execution puts its release back, byte for byte.
            let rollback: PipelineExecutionIDOutput = try await cluster.client.call(
                .rollbackStage, RollbackStageInput(pipelineName: "shop", stageName: "Deploy", targetPipelineExecutionId: first.pipelineExecutionId))
            let rolledBack = try await PipelineRunTests.waitForEnd(rollback.pipelineExecutionId, of: "shop", in: cluster)
            #expect(rolledBack.status == .succeeded, "\(rolledBack.statusSummary ?? "")")
            #expect(try Data(contentsOf: live) == released)
        }
    }

    /// POSTs a GitHub delivery to the coordinator's webhook endpoint, signed with `secret`.
    static func deliver(_ event: String, _ payload: String, secret: String, to cluster: BatonCluster) async throws -> (Int, String) {
        let body = Data(payload.utf8)
        var request = URLRequest(url: cluster.httpEndpoint.appendingPathComponent("baton/webhooks/local"))
        request.httpMethod = "POST"
        request.setValue(event, forHTTPHeaderField: "X-GitHub-Event")
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
        request.setValue("sha256=\(mac)", forHTTPHeaderField: "X-Hub-Signature-256")
        let (data, response) = try await URLSession.shared.upload(for: request, from: body)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func signedGitHubDeliveriesStartPushAndPullRequestTriggers() async throws {
        // No polling: only the webhook can start the pipeline.
        try await BatonCluster.with(workers: 1, coordinatorArguments: ["--trigger-poll-interval", "0"]) { cluster in
            let repository = cluster.root.appendingPathComponent("git/shop/api")
            try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
            _ = try await runTool("/usr/bin/git", ["init", "--quiet", "--initial-branch=main", repository.path])
            let base = try Self.commit(repository, "Start", ["buildspec.yml": Self.buildspec, "services/api/version.txt": "1", "docs/readme.md": "hello\n"])
            let _: CreateConnectionOutput = try await cluster.client.post(
                CreateConnectionInput.path,
                CreateConnectionInput(connectionName: "local", providerType: "GitHub", url: cluster.root.appendingPathComponent("git").path, webhookSecret: "s3cret"))
            var declaration = try Self.pipeline("arn:aws:codeconnections:local:000000000000:connection/local")
            declaration.triggers?[0].gitConfiguration.pullRequest = [GitPullRequestFilter(events: ["OPEN"], branches: GitPatternFilter(includes: ["main"]))]
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))

            let v2 = try Self.commit(repository, "API 2", ["services/api/version.txt": "2"])
            let push = """
                {"ref": "refs/heads/main", "before": "\(base)", "after": "\(v2)", "repository": {"full_name": "shop/api"},
                 "commits": [{"added": [], "modified": ["services/api/version.txt"], "removed": []}]}
                """
            let (refused, refusal) = try await Self.deliver("push", push, secret: "wrong", to: cluster)
            #expect(refused == 401 && refusal.contains("does not match"))
            #expect(try await Self.executions(cluster).isEmpty)

            let (status, answer) = try await Self.deliver("push", push, secret: "s3cret", to: cluster)
            #expect(status == 202, "\(answer)")
            let (summary, end) = try await Self.nextExecution(after: [], in: cluster)
            #expect(end.status == .succeeded, "\(end.statusSummary ?? "")")
            #expect(summary.trigger.triggerType == "WebhookV2")
            #expect(summary.trigger.triggerDetail?.hasPrefix("GitHub webhook: refs/heads/main \(v2) (1 file changed)") == true)
            #expect(try String(contentsOf: cluster.bucketRoot.appendingPathComponent("web/index.html"), encoding: .utf8) == "api 2 at \(v2)\n")

            // The same push delivered again starts nothing new.
            let (_, again) = try await Self.deliver("push", push, secret: "s3cret", to: cluster)
            #expect(again.contains(summary.pipelineExecutionId))
            #expect(try await Self.executions(cluster).count == 1)

            // A pull request opened against main builds its source branch's head.
            _ = try await runTool("/usr/bin/git", ["-C", repository.path, "checkout", "--quiet", "-b", "feature/three"])
            let v3 = try Self.commit(repository, "API 3", ["services/api/version.txt": "3"])
            let opened = """
                {"action": "opened", "repository": {"full_name": "shop/api"},
                 "pull_request": {"number": 12, "base": {"ref": "main", "sha": "\(v2)"}, "head": {"ref": "feature/three", "sha": "\(v3)"}}}
                """
            let (prStatus, prAnswer) = try await Self.deliver("pull_request", opened, secret: "s3cret", to: cluster)
            #expect(prStatus == 202, "\(prAnswer)")
            let (pull, pullEnd) = try await Self.nextExecution(after: [summary.pipelineExecutionId], in: cluster)
            #expect(pullEnd.status == .succeeded, "\(pullEnd.statusSummary ?? "")")
            #expect(pull.trigger.triggerDetail?.hasPrefix("GitHub webhook: pull/12 \(v3)") == true)
            #expect(try String(contentsOf: cluster.bucketRoot.appendingPathComponent("web/index.html"), encoding: .utf8) == "api 3 at \(v3)\n")
        }
    }

    @Test func aChangedS3SourceObjectStartsItsPipelineUnlessPollingIsOff() async throws {
        try await BatonCluster.with(workers: 1, watchBuckets: true) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "one")
            let polled = PipelineDeclaration(name: "polled", stages: [
                PipelineRunTests.sourceStage,
                StageDeclaration(name: "Use", actions: [ActionDeclaration(name: "Cat", actionTypeId: .commands, commands: ["cat file.txt"], inputArtifacts: ["Src"])]),
            ])
            var quiet = polled
            quiet.name = "quiet"
            quiet.stages[0].actions[0].configuration?["PollForSourceChanges"] = "false"
            for declaration in [polled, quiet] {
                let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))
            }
            // The first look records the object; wait for it, then change the object.
            try await withTimeout(.seconds(30), "the watcher to record the S3 object") {
                while !FileManager.default.fileExists(atPath: cluster.dataDirectory.appendingPathComponent("triggers/objects.json").path) {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            try await PipelineRunTests.putSource(in: cluster, content: "two")
            let summary = try await withTimeout(.seconds(30), "the changed object to start the pipeline") {
                while true {
                    let output: ListPipelineExecutionsOutput = try await cluster.client.call(.listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: "polled"))
                    if let first = output.pipelineExecutionSummaries.first { return first }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(summary.trigger.triggerType == "PollForSourceChanges")
            #expect(summary.trigger.triggerDetail == "s3://b/s.zip changed")
            let end = try await PipelineRunTests.waitForEnd(summary.pipelineExecutionId, of: "polled", in: cluster)
            #expect(end.status == .succeeded, "\(end.statusSummary ?? "")")
            let quietRuns: ListPipelineExecutionsOutput = try await cluster.client.call(.listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: "quiet"))
            #expect(quietRuns.pipelineExecutionSummaries.isEmpty)
        }
    }
}
