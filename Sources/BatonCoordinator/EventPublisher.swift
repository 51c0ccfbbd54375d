import BatonEngine
import BatonModel
import Foundation
import Logging
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
        let (_, _, live) = events.subscribe(after: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await event in live {
                    guard let json = try? encoder.encode(event) else { continue }
                    loop.post(Message([
                        Frame("\(event.detail.pipeline) \(event.kind.shortName)"), Frame("\(event.sequence)"), Frame(Array(json)),
                    ]), on: socket.handle)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    loop.post(Message([Frame(Self.heartbeatTopic), Frame("\(events.lastSequence)")]), on: socket.handle)
                }
            }
        }
    }
}
