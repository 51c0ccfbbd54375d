import BatonTesting
import Foundation
import Testing

/// boto3 and the aws CLI, as shipped, drive a pipeline through its whole life on Baton: create,
/// start, watch, retry, approve, stop, roll back (Tests/Python/lifecycle.py, once per client).
@Suite(.timeLimit(.minutes(3))) struct ClientLifecycleTests {
    @Test(arguments: ["boto3", "aws-cli"])
    func aClientCreatesStartsWatchesRetriesApprovesStopsAndRollsBack(_ client: String) async throws {
        try await BatonCluster.with(workers: 2) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let script = PipelineRunTests.packageRoot.appendingPathComponent("Tests/Python/lifecycle.py")
            let flag = cluster.root.appendingPathComponent("build-may-pass")
            let run = try await runTool("/usr/bin/env", ["python3", script.path, cluster.httpEndpoint.absoluteString, flag.path, client])
            #expect(run.status == 0, "\(run.output)")
            let steps = run.output.split(separator: "\n").map(String.init)
            #expect(steps.first == "created")
            #expect(steps.contains("retried, approved and succeeded"))
            #expect(steps.contains("second run stopped: Stopped"))
            #expect(steps.contains("rolled Deploy back to the first run"))
            #expect(steps.contains("modeled error: PipelineNotFoundException"))
            if client == "boto3" { #expect(steps.contains("boto3 raised its modeled exception class")) }
            #expect(steps.last == "done", "\(run.output)")
        }
    }

    @Test func boto3ReachesTagsTypesRulesWebhooksAndExplainsWhatCannotApply() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            let script = PipelineRunTests.packageRoot.appendingPathComponent("Tests/Python/api_coverage.py")
            let run = try await runTool("/usr/bin/env", ["python3", script.path, cluster.httpEndpoint.absoluteString])
            #expect(run.status == 0, "\(run.output)")
            let steps = run.output.split(separator: "\n").map(String.init)
            #expect(Array(steps.prefix(4)) == ["tags", "types", "rules", "webhooks"], "\(run.output)")
            #expect(steps.last == "done", "\(run.output)")
        }
    }
}
