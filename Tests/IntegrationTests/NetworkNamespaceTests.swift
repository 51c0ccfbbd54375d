import BatonAPI
import BatonModel
import BatonTesting
import Foundation
import Testing

/// The coordinator and two workers in three network namespaces joined by veth pairs, so jobs and
/// artifacts cross a real network stack (not loopback). Needs root and iproute2, as CI has.
@Suite(.timeLimit(.minutes(3)), .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")))
struct NetworkNamespaceTests {
    /// Namespaces and veth pairs, named with a per-test suffix; removed again on `tearDown`.
    struct Network {
        let suffix = String(UUID().uuidString.prefix(6)).lowercased()
        var coordinator: String { "bc-\(suffix)" }
        var worker1: String { "bw1-\(suffix)" }
        var worker2: String { "bw2-\(suffix)" }

        func ip(_ arguments: String) throws {
            let result = try runQuickTool("/usr/sbin/ip", arguments.split(separator: " ").map(String.init))
            guard result.status == 0 else { throw ClusterError("ip \(arguments): \(result.output)") }
        }

        /// root ⟷ coordinator on 10.77.0.0/24 (the test reaches the HTTP API), coordinator ⟷
        /// worker 1 on 10.77.1.0/24, coordinator ⟷ worker 2 on 10.77.2.0/24.
        func setUp() throws {
            for namespace in [coordinator, worker1, worker2] {
                try ip("netns add \(namespace)")
                try ip("-n \(namespace) link set lo up")
            }
            try ip("link add vr-\(suffix) type veth peer name vc0-\(suffix)")
            try ip("link set vc0-\(suffix) netns \(coordinator)")
            try ip("addr add 10.77.0.1/24 dev vr-\(suffix)")
            try ip("link set vr-\(suffix) up")
            try ip("-n \(coordinator) addr add 10.77.0.2/24 dev vc0-\(suffix)")
            try ip("-n \(coordinator) link set vc0-\(suffix) up")
            for (index, worker) in [worker1, worker2].enumerated() {
                let net = index + 1
                try ip("link add vc\(net)-\(suffix) type veth peer name vw\(net)-\(suffix)")
                try ip("link set vc\(net)-\(suffix) netns \(coordinator)")
                try ip("link set vw\(net)-\(suffix) netns \(worker)")
                try ip("-n \(coordinator) addr add 10.77.\(net).1/24 dev vc\(net)-\(suffix)")
                try ip("-n \(coordinator) link set vc\(net)-\(suffix) up")
                try ip("-n \(worker) addr add 10.77.\(net).2/24 dev vw\(net)-\(suffix)")
                try ip("-n \(worker) link set vw\(net)-\(suffix) up")
            }
        }

        func tearDown() {
            // Deleting a namespace deletes the veth ends inside it, and so their peers.
            for namespace in [coordinator, worker1, worker2] { try? ip("netns del \(namespace)") }
            try? ip("link del vr-\(suffix)")
        }
    }

    @Test func aPipelineRunsWithTheCoordinatorAndTwoWorkersInSeparateNetworkNamespaces() async throws {
        let network = Network()
        defer { network.tearDown() }
        try network.setUp()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-netns-\(network.suffix)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("buckets/b"), withIntermediateDirectories: true)
        var processes: [ChildProcess] = []
        defer {
            for process in processes { process.kill() }
            if ProcessInfo.processInfo.environment["BATON_KEEP_TEST_DIRS"] == nil { try? FileManager.default.removeItem(at: root) }
        }
        let baton = try BatonCluster.executable.path
        func launch(_ namespace: String, _ name: String, _ arguments: [String]) throws -> ChildProcess {
            let process = try ChildProcess.launch(URL(fileURLWithPath: "/usr/sbin/ip"), ["netns", "exec", namespace, baton] + arguments,
                                                  log: root.appendingPathComponent("\(name).log"))
            processes.append(process)
            return process
        }

        // Listening on every address of its namespace: not loopback, so --insecure is needed.
        let coordinator = try launch(network.coordinator, "coordinator", [
            "coordinator", "--data-dir", root.appendingPathComponent("data").path, "--insecure",
            "--listen-workers", "tcp://0.0.0.0:7600", "--listen-http", "10.77.0.2:7700", "--log-level", "debug",
        ])
        _ = try await coordinator.waitForLine(prefix: "baton coordinator ready", timeout: .seconds(30))
        for (index, namespace) in [network.worker1, network.worker2].enumerated() {
            let net = index + 1
            _ = try launch(namespace, "worker-\(net)", [
                "worker", "--coordinator", "tcp://10.77.\(net).1:7600", "--worker-id", "worker-\(net)",
                "--work-dir", root.appendingPathComponent("work/\(net)").path, "--buckets", root.appendingPathComponent("buckets").path,
                "--label", "role=arn:aws:iam::111111111111:role/net\(net)", "--log-level", "debug",
            ])
        }

        // The source runs on worker 1 only and the build on worker 2 only (routed by roleArn →
        // label role), so the artifact goes worker 1 → coordinator → worker 2 over the veths.
        let source = root.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try String(repeating: "across the wire\n", count: 50_000).write(to: source.appendingPathComponent("file.txt"), atomically: true, encoding: .utf8)
        let zipped = try await runTool("/bin/sh", ["-c", "cd \"$1\" && zip -qr \"$2\" .", "sh", source.path, root.appendingPathComponent("buckets/b/s.zip").path])
        try #require(zipped.status == 0)
        var fetch = PipelineRunTests.sourceStage.actions[0]
        fetch.roleArn = "arn:aws:iam::111111111111:role/net1"
        var build = ActionDeclaration(name: "Count", actionTypeId: .commands, commands: ["test $(wc -l < file.txt) -eq 50000"], inputArtifacts: ["Src"])
        build.roleArn = "arn:aws:iam::111111111111:role/net2"
        let pipeline = PipelineDeclaration(name: "netns", stages: [
            StageDeclaration(name: "Source", actions: [fetch]),
            StageDeclaration(name: "Build", actions: [build]),
        ])

        let client = CodePipelineClient(endpoint: try #require(URL(string: "http://10.77.0.2:7700")))
        let _: CreatePipelineOutput = try await client.call(.createPipeline, CreatePipelineInput(pipeline: pipeline))
        let started: StartPipelineExecutionOutput = try await client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "netns"))
        let execution = try await withTimeout(.seconds(60), "the netns pipeline to end") {
            while true {
                let output: GetPipelineExecutionOutput = try await client.call(
                    .getPipelineExecution, GetPipelineExecutionInput(pipelineName: "netns", pipelineExecutionId: started.pipelineExecutionId))
                if output.pipelineExecution.status.isTerminal { return output.pipelineExecution }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(execution.status == .succeeded, "\(execution.statusSummary ?? "")")
        let log1 = try String(contentsOf: root.appendingPathComponent("worker-1.log"), encoding: .utf8)
        let log2 = try String(contentsOf: root.appendingPathComponent("worker-2.log"), encoding: .utf8)
        #expect(log1.contains("action.name=Fetch") && log1.contains("job succeeded"))
        #expect(log2.contains("action.name=Count") && log2.contains("job succeeded"))
    }
}
