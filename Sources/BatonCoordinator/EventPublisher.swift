import BatonEngine
import BatonModel
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Publishes the event stream on a ZeroMQ PUB socket (the Clone pattern's publisher): each event
/// as three frames, `<pipeline> <pipeline|stage|action>` (the topic: subscribe to `NAME ` for one
/// pipeline, or to nothing for all), the sequence number as decimal text, and the event's JSON.
/// Every second a `HUGZ` message with the last sequence number tells subscribers the coordinator
/// is alive and whether they missed anything; a late subscriber takes `GET /events/snapshot` and
/// applies the events numbered after it.
struct EventPublisher {
    static let heartbeatTopic = "HUGZ"

    let loop: SocketLoop
    let socket: OpenedSocket
    let events: EventStream
    let logger: Logger

    func run() async {
        // The socket is an XPUB: it tells which topic prefixes are subscribed. While nobody is
        // subscribed the publisher does not even follow the event stream, so an engine step's
        // events wake no task here (publishing is on the engine's hot path); it subscribes when
        // the first subscriber arrives and lets go when the last one leaves.
        let topics = SubscribedTopics()
        await withDiscardingTaskGroup { group in
            group.addTask {
                var forwarding: Task<Void, Never>?
                for await message in socket.inbound {
                    guard let bytes = message.frames.first?.bytes, let kind = bytes.first else { continue }
                    let prefix = Array(bytes.dropFirst())
                    if kind == 1 { topics.add(prefix) } else if kind == 0 { topics.remove(prefix) }
                    if topics.isEmpty {
                        forwarding?.cancel()
                        forwarding = nil
                    } else if forwarding == nil {
                        // Subscribed here, before the task starts, so no event falls between.
                        let (_, _, live) = events.subscribe(after: nil)
                        forwarding = Task { await forward(live, to: topics) }
                    }
                }
                forwarding?.cancel()
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    loop.post(Message([Frame(Self.heartbeatTopic), Frame("\(events.lastSequence)")]), on: socket.handle)
                }
            }
        }
    }

    /// Sends every event of `live` whose topic someone holds, until cancelled.
    private func forward(_ live: AsyncStream<PipelineEvent>, to topics: SubscribedTopics) async {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for await event in live {
            let topic = Array("\(event.detail.pipeline) \(event.kind.shortName)".utf8)
            guard topics.anyMatches(topic), let json = try? encoder.encode(event) else { continue }
            loop.post(Message([
                Frame(topic), Frame("\(event.sequence)"), Frame(Array(json)),
            ]), on: socket.handle)
        }
    }
}

/// Topic prefixes subscribers hold, as XPUB reports them.
private final class SubscribedTopics: Sendable {
    private let counts = Mutex<[[UInt8]: Int]>([:])

    func add(_ prefix: [UInt8]) {
        counts.withLock { $0[prefix, default: 0] += 1 }
    }

    func remove(_ prefix: [UInt8]) {
        counts.withLock { counts in
            let left = (counts[prefix] ?? 0) - 1
            counts[prefix] = left > 0 ? left : nil
        }
    }

    var isEmpty: Bool {
        counts.withLock { $0.isEmpty }
    }

    func anyMatches(_ topic: [UInt8]) -> Bool {
        counts.withLock { $0.keys.contains { topic.starts(with: $0) } }
    }
}
