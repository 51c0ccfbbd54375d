import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The CLI's views of a coordinator (watch, status, history, workers, artifacts get),
/// ListActionExecutions, and /metrics, against real processes.
@Suite(.timeLimit(.minutes(3))) struct ObservationCommandTests {
    @Test func watchStatusHistoryWorkersAndArtifactsShowWhatHappened() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let endpoint = ["--endpoint", cluster.httpEndpoint.absoluteString]
            try await PipelineRunTests.putSource(in: cluster, content: "x")
            var declaration = ExecutionControlTests.pipeline("observed", build: ["mkdir -p out && echo built > out/result.txt"])
            declaration.stages[1].actions[0].outputArtifacts = [OutputArtifact(name: "Built", files: ["out/**"])]
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))

            // A closed transition: status says why Ship waits.
            #expect(try await runBaton(["transition", "disable", "observed", "Ship", "--reason", "freeze"] + endpoint).status == 0)
            let started = try await runBaton(["start", "observed"] + endpoint)
            let id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let waiting = try await withTimeout(.seconds(30), "status to show the closed transition") {
                while true {
                    let status = try await runBaton(["status", "observed"] + endpoint)
                    if status.stdout.contains("waiting: transition into Ship disabled (freeze)") { return status.stdout }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(waiting.contains("observed \(id) InProgress"))
            #expect(waiting.range(of: #"Build\s+Make\s+Succeeded\s+\d+\.\ds"#, options: .regularExpression) != nil, "\(waiting)")

            // watch follows it to the end once the transition opens, and exits 0.
            #expect(try await runBaton(["transition", "enable", "observed", "Ship"] + endpoint).status == 0)
            let watched = try await runBaton(["watch", "observed", id, "--timeout", "60"] + endpoint)
            #expect(watched.status == 0, "\(watched.stderr)")
            #expect(watched.stdout.contains("Ship/Ship: Succeeded"))
            #expect(watched.stdout.hasSuffix("execution \(id): Succeeded\n"))
            #expect(!watched.stdout.contains("\u{1B}["), "no colour when not on a terminal")

            let history = try await runBaton(["history", "observed", "--output", "json"] + endpoint)
            let executions = try JSONDecoder().decode(ListPipelineExecutionsOutput.self, from: Data(history.stdout.utf8))
            #expect(executions.pipelineExecutionSummaries.map(\.pipelineExecutionId) == [id])

            let workers = try await runBaton(["workers", "--output", "json"] + endpoint)
            let report = try JSONDecoder().decode(ListWorkersOutput.self, from: Data(workers.stdout.utf8))
            #expect(report.workers.map(\.workerId) == ["worker-1"])
            #expect(report.workers.first?.actionTypes.contains(.commands) == true && report.waiting.isEmpty)

            let actions: ListActionExecutionsOutput = try await cluster.client.call(
                .listActionExecutions, ListActionExecutionsInput(pipelineName: "observed", filter: .init(pipelineExecutionId: id)))
            #expect(Set(actions.actionExecutionDetails.map { "\($0.stageName)/\($0.actionName)" }) == ["Source/Fetch", "Build/Make", "Ship/Ship"])
            let make = try #require(actions.actionExecutionDetails.first { $0.actionName == "Make" })
            #expect(make.input.inputArtifacts.map(\.name) == ["Src"] && make.output.outputArtifacts.map(\.name) == ["Built"])
            let paged: ListActionExecutionsOutput = try await cluster.client.call(.listActionExecutions, ListActionExecutionsInput(pipelineName: "observed", maxResults: 2))
            #expect(paged.actionExecutionDetails.count == 2 && paged.nextToken != nil)

            // The artifact, downloaded from the store's bucket and checked against its digest.
            let file = cluster.root.appendingPathComponent("built.zip")
            let got = try await runBaton(["artifacts", "get", "observed", "Built", "-o", file.path] + endpoint)
            #expect(got.status == 0, "\(got.stderr)")
            let listing = try await runTool("/usr/bin/unzip", ["-p", file.path, "out/result.txt"])
            #expect(listing.output == "built\n")
            let missing = try await runBaton(["artifacts", "get", "observed", "Nope"] + endpoint)
            #expect(missing.status == 1 && missing.stderr == "baton: execution \(id) of observed has no output artifact named Nope\n")

            // A failing execution: watch exits 1.
            let _: UpdatePipelineOutput = try await cluster.client.call(.updatePipeline, UpdatePipelineInput(pipeline: ExecutionControlTests.pipeline("observed", build: ["exit 3"])))
            let failing = try await runBaton(["start", "observed"] + endpoint).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let failed = try await runBaton(["watch", "observed", failing, "--timeout", "60"] + endpoint)
            #expect(failed.status == 1 && failed.stdout.contains("execution \(failing): Failed"), "\(failed.stdout)")

            // Paged two at a time, ListActionExecutions shows each action execution once: the
            // newest execution's first, then the older one's, as one page of a hundred does.
            func key(_ detail: ActionExecutionDetail) -> String { "\(detail.pipelineExecutionId)/\(detail.stageName)/\(detail.actionName)" }
            let whole: ListActionExecutionsOutput = try await cluster.client.call(.listActionExecutions, ListActionExecutionsInput(pipelineName: "observed"))
            #expect(whole.nextToken == nil)
            #expect(whole.actionExecutionDetails.map(\.pipelineExecutionId) == [failing, failing, id, id, id])
            var pagedKeys: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let page: ListActionExecutionsOutput = try await cluster.client.call(
                    .listActionExecutions, ListActionExecutionsInput(pipelineName: "observed", maxResults: 2, nextToken: token))
                pagedKeys += page.actionExecutionDetails.map(key)
                token = page.nextToken
                pages += 1
            } while token != nil && pages < 10
            #expect(pagedKeys == whole.actionExecutionDetails.map(key))
            #expect(pages == 3)
            let one: ListActionExecutionsOutput = try await cluster.client.call(
                .listActionExecutions, ListActionExecutionsInput(pipelineName: "observed", filter: .init(pipelineExecutionId: id), maxResults: 2))
            let rest: ListActionExecutionsOutput = try await cluster.client.call(
                .listActionExecutions, ListActionExecutionsInput(pipelineName: "observed", filter: .init(pipelineExecutionId: id), maxResults: 2, nextToken: one.nextToken))
            #expect((one.actionExecutionDetails + rest.actionExecutionDetails).map(key) == whole.actionExecutionDetails.suffix(3).map(key))
            #expect(rest.nextToken == nil)

            // Metrics in Prometheus's text format.
            let (data, _) = try await URLSession.shared.data(from: cluster.httpEndpoint.appendingPathComponent("metrics"))
            let metrics = String(decoding: data, as: UTF8.self)
            for line in [#"baton_executions{pipeline="observed",status="Succeeded"} 1.0"#, #"baton_executions{pipeline="observed",status="Failed"} 1.0"#,
                         "baton_workers_connected 1.0", "baton_queue_depth 0.0",
                         #"baton_zeromq_dropped_messages_total{socket="workers"} 0"#, #"baton_zeromq_dropped_messages_total{socket="artifacts"} 0"#] {
                #expect(metrics.contains(line), "\(line) in \(metrics)")
            }
            #expect(metrics.contains(#"baton_action_duration_seconds_count{category="Compute",provider="Commands",state="SUCCEEDED"}"#))
            #expect(metrics.contains("baton_dispatch_latency_seconds_count"))
            #expect(metrics.range(of: #"baton_artifact_bytes_total\{direction="in"\} [1-9]"#, options: .regularExpression) != nil)
        }
    }
}
