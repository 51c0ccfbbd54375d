import BatonAPI
import BatonTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `baton` CLI as scripts use it: one-line errors, non-zero exits, and `up`'s shutdown.
@Suite(.timeLimit(.minutes(2))) struct CommandLineTests {
    struct FailingCall: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        let expected: String
        var testDescription: String { name }
    }

    static let failingCalls: [FailingCall] = [
        .init(name: "unknown flag", arguments: ["coordinator", "--no-such-flag"], expected: "Unknown option '--no-such-flag'"),
        .init(name: "unknown command", arguments: ["launch"], expected: "Unexpected argument 'launch'"),
        .init(name: "bad label", arguments: ["worker", "--label", "nokey"], expected: "--label 'nokey' is not KEY=VALUE"),
        .init(name: "bad endpoint", arguments: ["pipeline", "list", "--endpoint", "ftp://x"], expected: "--endpoint 'ftp://x' is not an http:// URL"),
        .init(name: "unreachable coordinator", arguments: ["pipeline", "list", "--endpoint", "http://127.0.0.1:1"], expected: "cannot reach the coordinator at http://127.0.0.1:1"),
        .init(name: "missing file", arguments: ["pipeline", "create", "-f", "/nonexistent.json"], expected: "cannot read /nonexistent.json"),
        .init(name: "ack deadline under two heartbeats", arguments: ["coordinator", "--heartbeat-interval", "2000", "--ack-deadline", "3000"],
              expected: "--ack-deadline must be between two heartbeat intervals (4000 ms) and 3600000 ms, not 3000"),
        .init(name: "bad http address", arguments: ["coordinator", "--listen-http", "nowhere"], expected: "--listen-http 'nowhere' is not HOST:PORT"),
        .init(name: "bad query", arguments: ["worker", "--query", "Deploy/Custom/Fleet:Cluster=blue"], expected: "--query 'Deploy/Custom/Fleet:Cluster=blue' is not CATEGORY/OWNER/PROVIDER/VERSION:KEY=VALUE"),
        .init(name: "key without secret", arguments: ["worker", "--coordinator-key", String(repeating: "a", count: 40)], expected: "--coordinator-key needs --curve-secret-key"),
        .init(name: "a key that begins with a dash is a value", arguments: ["worker", "--coordinator-key", "-" + String(repeating: "a", count: 39)], expected: "--coordinator-key needs --curve-secret-key"),
        .init(name: "allow-list without key", arguments: ["coordinator", "--authorized-workers", "/tmp/x"], expected: "--authorized-workers needs --curve-secret-key"),
        .init(name: "unreadable secret key", arguments: ["coordinator", "--curve-secret-key", "/nonexistent.key", "--authorized-workers", "/tmp/x"], expected: "--curve-secret-key /nonexistent.key: cannot read it"),
    ]

    @Test(arguments: failingCalls)
    func everyErrorIsOneLineAndANonZeroExit(_ call: FailingCall) async throws {
        let result = try await runBaton(call.arguments)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr was: \(result.stderr)")
        #expect(result.stderr.hasPrefix("baton: "))
        #expect(result.stderr.contains(call.expected), "stderr was: \(result.stderr)")
    }

    @Test func helpExitsZero() async throws {
        let result = try await runBaton(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("coordinator"))
        #expect(result.stdout.contains("worker"))
    }

    @Test func apiErrorsReachTheUserAsTheExceptionAndMessage() async throws {
        try await BatonCluster.with { cluster in
            let missing = try await runBaton(["status", "nope", "--endpoint", cluster.httpEndpoint.absoluteString])
            #expect(missing.status != 0)
            #expect(missing.stderr == "baton: PipelineNotFoundException: Pipeline with name nope does not exist.\n")

            let bad = cluster.root.appendingPathComponent("bad.json")
            try #"{"pipeline": {"name": "bad name!", "stages": [{"name": "Only", "actions": []}]}}"#.write(to: bad, atomically: true, encoding: .utf8)
            let refused = try await runBaton(["pipeline", "create", "-f", bad.path, "--endpoint", cluster.httpEndpoint.absoluteString])
            #expect(refused.status != 0)
            #expect(refused.stderr.split(separator: "\n").count == 1)
            #expect(refused.stderr.contains("validation errors detected"))
        }
    }

    @Test func upStopsPromptlyAfterAWorkerWasKilled() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-up-\(UUID().uuidString.prefix(8))")
        let log = root.deletingLastPathComponent().appendingPathComponent("\(root.lastPathComponent).log")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: log)
        }
        // Wildcard ports: the coordinator picks free ones and `up` hands the real one to its workers.
        let up = try ChildProcess.launch(
            try BatonCluster.executable,
            ["up", "--workers", "2", "--data-dir", root.path, "--listen-workers", "tcp://127.0.0.1:*", "--listen-http", "127.0.0.1:0", "--grace", "5"],
            log: log)
        _ = try await up.waitForLine(prefix: "baton up: coordinator and 2 workers running", timeout: .seconds(30))
        // Kill one worker process outright.
        let pids = try await runTool("/usr/bin/pgrep", ["-f", "--", "--worker-id worker-1 --buckets \(root.path)"]).output
        let workerPID = try #require(Int32(pids.split(separator: "\n").first ?? ""))
        kill(workerPID, SIGKILL)
        up.signal(SIGTERM)
        let status = try await up.waitForExit(timeout: .seconds(20))
        #expect(status == 0)
        let leftovers = try await runTool("/usr/bin/pgrep", ["-f", "--", root.path]).output
        #expect(leftovers.isEmpty, "still running: \(leftovers)")
    }
}
