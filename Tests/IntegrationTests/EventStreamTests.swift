import BatonAPI
import BatonModel
import BatonTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Synchronization
import Testing
import ZeroMQ

/// The event stream: every state change on the PUB socket, numbered without gaps, and as
/// Server-Sent Events; a late subscriber catches up from a snapshot or its last event id.
@Suite(.timeLimit(.minutes(3))) struct EventStreamTests {
    struct Published: Sendable {
        var topic: String
        var sequence: Int64
        var event: PipelineEvent?
    }

    /// Everything a SUB socket receives, collected in the background.
    final class Subscriber: Sendable {
        final class Inbox: Sendable {
            let items = Mutex<[Published]>([])
        }

        let loop: SocketLoop
        let inbox = Inbox()
        var received: [Published] { inbox.items.withLock { $0 } }
        private let tasks: [Task<Void, Never>]

        init(endpoint: String) async throws {
            var logger = Logger(label: "event-subscriber")
            logger.logLevel = .warning
            let loop = try SocketLoop(context: try ZeroMQContext(), logger: logger, name: "event-subscriber")
            self.loop = loop
            let runner = Task { _ = try? await loop.run() }
            var options = SocketOptions()
            options.subscriptions = [[]]
            let socket = try await loop.open(SocketSpec(.subscriber, options: options, connect: [endpoint]))
            let inbox = self.inbox
            let reader = Task {
                for await message in socket.inbound {
                    let frames = message.frames.map { String(decoding: $0.bytes, as: UTF8.self) }
                    guard frames.count >= 2, let sequence = Int64(frames[1]) else { continue }
                    let event = frames.count > 2 ? try? JSONDecoder().decode(PipelineEvent.self, from: Data(frames[2].utf8)) : nil
                    inbox.items.withLock { $0.append(Published(topic: frames[0], sequence: sequence, event: event)) }
                }
            }
            tasks = [runner, reader]
        }

        func close() {
            loop.stop()
            for task in tasks { task.cancel() }
        }
    }

    /// SSE messages from a curl transcript: (id, event name, decoded data).
    static func serverSentEvents(_ text: String) -> [(id: Int64, name: String, event: PipelineEvent)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            guard let id = fields["id"].flatMap({ Int64($0) }), let name = fields["event"], let data = fields["data"],
                  let event = try? JSONDecoder().decode(PipelineEvent.self, from: Data(data.utf8))
            else { return nil }
            return (id, name, event)
        }
    }

    @Test func stateChangesArePublishedInOrderOverPUBAndServerSentEvents() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let subscriber = try await Subscriber(endpoint: cluster.eventsEndpoint)
            defer { subscriber.close() }
            let sse = cluster.root.appendingPathComponent("sse.txt")
            let curl = try ChildProcess.launch(
                URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-sN", cluster.httpEndpoint.appendingPathComponent("events").absoluteString], log: sse)
            defer { curl.kill() }

            try await PipelineRunTests.putSource(in: cluster, content: "x")
            var declaration = ExecutionControlTests.pipeline("evented", build: ["true"])
            declaration.stages.insert(StageDeclaration(name: "Approval", actions: [
                ActionDeclaration(name: "Release", actionTypeId: .init(category: "Approval", owner: "AWS", provider: "Manual", version: "1")),
            ]), at: 2)
            let _: CreatePipelineOutput = try await cluster.client.call(.createPipeline, CreatePipelineInput(pipeline: declaration))
            try await Task.sleep(for: .milliseconds(300))  // the SUB connection and the SSE request are up
            let started: StartPipelineExecutionOutput = try await cluster.client.call(.startPipelineExecution, StartPipelineExecutionInput(name: "evented"))

            // While it waits for approval, a late subscriber's snapshot shows where it stands.
            let snapshot = try await withTimeout(.seconds(30), "the approval to be pending in a snapshot") {
                while true {
                    let (data, _) = try await URLSession.shared.data(from: cluster.httpEndpoint.appendingPathComponent("events/snapshot"))
                    let snapshot = try JSONDecoder().decode(EventSnapshot.self, from: data)
                    if snapshot.events.contains(where: { $0.detail.action == "Release" && $0.detail.state == "STARTED" }) { return snapshot }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(snapshot.sequence > 0)
            #expect(snapshot.events.allSatisfy { $0.sequence == snapshot.sequence && $0.detail.executionId == started.pipelineExecutionId })
            #expect(snapshot.events.contains { $0.kind == .stage && $0.detail.stage == "Build" && $0.detail.state == "SUCCEEDED" })
            let resumedSSE = cluster.root.appendingPathComponent("sse-resumed.txt")
            let resumed = try ChildProcess.launch(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["curl", "-sN", "-H", "Last-Event-ID: \(snapshot.sequence)", cluster.httpEndpoint.appendingPathComponent("events").absoluteString], log: resumedSSE)
            defer { resumed.kill() }

            let _: GetPipelineStateOutput = try await cluster.client.call(.getPipelineState, GetPipelineStateInput(name: "evented"))
            let approve = try await runBaton(["approve", "evented", "Approval", "Release", "--endpoint", cluster.httpEndpoint.absoluteString])
            #expect(approve.status == 0, "\(approve.stderr)")
            let ended = try await PipelineRunTests.waitForEnd(started.pipelineExecutionId, of: "evented", in: cluster)
            #expect(ended.status == .succeeded)

            // PUB: gapless from 1, ending with the execution's SUCCEEDED, then HUGZ carrying that number.
            let published = try await withTimeout(.seconds(10), "a HUGZ after the last event") {
                while true {
                    let received = subscriber.received
                    let events = received.filter { $0.topic != "HUGZ" }
                    if let last = events.last, last.event?.kind == .pipeline, last.event?.detail.state == "SUCCEEDED",
                       received.contains(where: { $0.topic == "HUGZ" && $0.sequence == last.sequence }) {
                        return events
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(published.map(\.sequence) == Array(1...Int64(published.count)))
            #expect(published.allSatisfy { $0.topic == "evented \($0.event?.kind.shortName ?? "?")" && $0.event?.sequence == $0.sequence })
            let lines = published.compactMap { published -> String? in
                guard let event = published.event else { return nil }
                return [event.kind.shortName, event.detail.stage, event.detail.action, event.detail.state].compactMap { $0 }.joined(separator: " ")
            }
            #expect(lines.first == "pipeline STARTED")
            #expect(lines.last == "pipeline SUCCEEDED")
            for expected in ["stage Source STARTED", "action Source Fetch STARTED", "action Source Fetch SUCCEEDED", "stage Source SUCCEEDED",
                             "action Approval Release STARTED", "action Approval Release SUCCEEDED", "stage Ship SUCCEEDED"] {
                #expect(lines.contains(expected), "\(expected) in \(lines)")
            }
            #expect(lines.firstIndex(of: "action Source Fetch SUCCEEDED")! < lines.firstIndex(of: "stage Source SUCCEEDED")!)
            let fetch = published.first { $0.event?.detail.action == "Fetch" }?.event
            #expect(fetch?.detail.type?.provider == "S3" && fetch?.detail.actionExecutionId != nil)
            #expect(fetch?.resources == ["arn:aws:codepipeline:local:000000000000:evented"])

            // SSE: the same events, in the same order; the resumed stream only those after its id.
            let last = published.last?.sequence ?? 0
            let streamed = try await withTimeout(.seconds(10), "the SSE stream to reach the last event") {
                while true {
                    let parsed = Self.serverSentEvents((try? String(contentsOf: sse, encoding: .utf8)) ?? "")
                    if parsed.last?.id == last { return parsed }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(streamed.map(\.id) == published.map(\.sequence))
            #expect(streamed.allSatisfy { $0.name == $0.event.kind.shortName })
            let resumedEvents = try await withTimeout(.seconds(10), "the resumed SSE stream to reach the last event") {
                while true {
                    let parsed = Self.serverSentEvents((try? String(contentsOf: resumedSSE, encoding: .utf8)) ?? "")
                    if parsed.last?.id == last { return parsed }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(resumedEvents.map(\.id) == Array((snapshot.sequence + 1)...last))

            // Both streams are still open: a graceful shutdown ends them instead of waiting on them.
            let coordinator = cluster.coordinatorProcess
            coordinator.signal(SIGTERM)
            #expect(try await coordinator.waitForExit(timeout: .seconds(15)) == 0)
        }
    }
}
