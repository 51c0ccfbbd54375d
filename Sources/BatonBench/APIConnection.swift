import BatonAPI
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The throughput scenario's load generator: CodePipeline calls (StartPipelineExecution, then
/// GetPipelineExecution to wait) over one HTTP/1.1 keep-alive connection on SwiftNIO, one request
/// at a time, as a busy trigger source would make them.
///
/// The bench made these calls with `CodePipelineClient` (URLSession) until session 11. On Linux
/// URLSession drives curl through dispatch timer sources that it arms, resets and cancels several
/// times per request: about 2 of the 6.5 thread wake-ups per action in the throughput run, on the
/// same two cores as the measured work, were the load generator's own (`perf` with
/// `sched_wakeup`). The coordinator serves both the same way: the same AWS JSON 1.1 request.
struct APIConnection {
    private var responses: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let requests: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let host: String

    /// Connects to `endpoint` (`http://host:port`), runs `body`, and closes the connection.
    static func with<Result: Sendable>(
        _ endpoint: URL, _ body: (inout APIConnection) async throws -> Result
    ) async throws -> Result {
        guard let host = endpoint.host, let port = endpoint.port else { throw BenchError("no host and port in \(endpoint)") }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = APIConnection(responses: inbound.makeAsyncIterator(), requests: outbound, host: "\(host):\(port)")
            return try await body(&connection)
        }
    }

    mutating func start(_ pipeline: String) async throws -> String {
        let started: StartPipelineExecutionOutput = try await call(.startPipelineExecution, StartPipelineExecutionInput(name: pipeline))
        return started.pipelineExecutionId
    }

    /// Whether the execution has ended; an error if it ended other than Succeeded.
    mutating func hasEnded(_ id: String, of pipeline: String) async throws -> Bool {
        let output: GetPipelineExecutionOutput = try await call(.getPipelineExecution, GetPipelineExecutionInput(pipelineName: pipeline, pipelineExecutionId: id))
        return try output.hasEnded()
    }

    /// One call; a reply other than 200 is an error that quotes it.
    mutating func call<Output: Decodable>(_ operation: CodePipelineOperation, _ input: some Encodable) async throws -> Output {
        let body = try JSONEncoder().encode(input)
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")
        head.headers = [
            "Host": host, "Content-Type": CodePipelineOperation.contentType, "X-Amz-Target": operation.target, "Content-Length": "\(body.count)",
        ]
        try await requests.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)])
        var status: HTTPResponseStatus?
        var reply = ByteBuffer()
        receiving: while let part = try await responses.next() {
            switch part {
            case .head(let response): status = response.status
            case .body(var bytes): reply.writeBuffer(&bytes)
            case .end: break receiving
            }
        }
        let text = String(buffer: reply)
        guard status == .ok else { throw BenchError("\(operation.rawValue): \(status.map { "\($0.code)" } ?? "no answer") \(text)") }
        return try JSONDecoder().decode(Output.self, from: Data(text.utf8))
    }
}
