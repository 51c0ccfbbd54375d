import BatonEngine
import BatonModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The event stream over HTTP: `GET /events` as Server-Sent Events and `GET /events/snapshot` as
/// JSON, both optionally for one pipeline (`?pipeline=NAME`).
///
/// Each SSE message is `id: <sequence>`, `event: pipeline|stage|action` and `data: <the event>`.
/// A client that reconnects with `Last-Event-ID` (or `?after=N`) gets the retained events it
/// missed; if they are no longer retained it first gets a snapshot (`event: snapshot`). A comment
/// line every 15 s keeps proxies from closing an idle stream.
struct EventRoutes {
    static let keepAlive: Duration = .seconds(15)

    let engine: Engine

    func register(on router: Router<BatonRequestContext>) {
        router.get("/events/snapshot") { request, _ in
            let pipeline = request.uri.queryParameters.get("pipeline")
            return Self.json(await engine.eventSnapshot(of: pipeline))
        }
        router.get("/events") { request, _ in
            await stream(request)
        }
    }

    private func stream(_ request: Request) async -> Response {
        let pipeline = request.uri.queryParameters.get("pipeline")
        let after = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0) }
            ?? request.uri.queryParameters.get("after").flatMap { Int64($0) }
        let (backlog, missed, live) = engine.events.subscribe(after: after)
        let snapshot = missed ? await engine.eventSnapshot(of: pipeline) : nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]

        // Live events and keep-alive ticks, merged into one sequence the body writes out.
        enum Item: Sendable { case event(PipelineEvent), tick }
        let (items, feed) = AsyncStream<Item>.makeStream()
        let forward = Task {
            for await event in live { feed.yield(.event(event)) }
            feed.finish()
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.keepAlive)
                feed.yield(.tick)
            }
        }
        let body = ResponseBody { writer in
            defer {
                forward.cancel()
                ticker.cancel()
            }
            func message(_ event: PipelineEvent, name: String? = nil) throws -> ByteBuffer {
                let data = String(decoding: try encoder.encode(event), as: UTF8.self)
                return ByteBuffer(string: "id: \(event.sequence)\nevent: \(name ?? event.kind.shortName)\ndata: \(data)\n\n")
            }
            func wanted(_ event: PipelineEvent) -> Bool { pipeline == nil || event.detail.pipeline == pipeline }
            try await writer.write(ByteBuffer(string: ": baton events\nretry: 2000\n\n"))
            for event in snapshot?.events ?? [] where wanted(event) { try await writer.write(message(event, name: "snapshot")) }
            var last = snapshot?.sequence ?? after ?? 0
            for event in backlog where wanted(event) && event.sequence > last {
                try await writer.write(message(event))
                last = event.sequence
            }
            // A stream never ends by itself: graceful shutdown ends it, so an open `curl -N`
            // does not hold the coordinator up.
            try await withGracefulShutdownHandler {
                for await item in items {
                    switch item {
                    case .event(let event):
                        guard event.sequence > last else { continue }
                        last = event.sequence
                        if wanted(event) { try await writer.write(message(event)) }
                    case .tick:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
            } onGracefulShutdown: {
                feed.finish()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body)
    }

    static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
