import BatonAPI
import BatonEngine
import BatonModel
import Foundation
import HTTPTypes
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOCore

/// Serves CodePipeline's wire protocol: `POST /` with `X-Amz-Target: CodePipeline_20150709.<Op>`
/// and an AWS JSON 1.1 body; errors as HTTP 400 with `{"__type", "message"}`.
package struct CodePipelineAPI: Sendable {
    let engine: Engine
    let logger: Logger
    /// Region and account shown in ARNs; Baton has neither, so these are fixed placeholders.
    let region = "local"
    let account = "000000000000"

    package init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    static let maxRequestBody = 8 * 1024 * 1024

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? ""
        let prefix = CodePipelineOperation.targetPrefix + "."
        guard target.hasPrefix(prefix), let operation = CodePipelineOperation(rawValue: String(target.dropFirst(prefix.count))) else {
            let shown = target.isEmpty ? "no X-Amz-Target header" : "'\(target)'"
            return Self.error(APIError(type: "UnknownOperationException", message: "Unknown operation: \(shown)"), requestID: requestID)
        }
        do {
            let body = try await request.body.collect(upTo: Self.maxRequestBody)
            let data = Data(body.readableBytesView)
            let output = try await perform(operation, body: data.isEmpty ? Data("{}".utf8) : data)
            return Self.json(output, requestID: requestID)
        } catch {
            let apiError = APIError(error)
            if apiError.type == "InternalFailure" {
                logger.error("request failed", metadata: ["operation": "\(operation.rawValue)", "error.message": "\(error)"])
            }
            return Self.error(apiError, requestID: requestID)
        }
    }

    private func perform(_ operation: CodePipelineOperation, body: Data) async throws -> any Encodable {
        switch operation {
        case .createPipeline: try await createPipeline(decode(body))
        case .updatePipeline: try await updatePipeline(decode(body))
        case .getPipeline: try await getPipeline(decode(body))
        case .listPipelines: try await listPipelines(decode(body))
        case .deletePipeline: try await deletePipeline(decode(body))
        case .startPipelineExecution: try await startPipelineExecution(decode(body))
        case .getPipelineExecution: try await getPipelineExecution(decode(body))
        case .listPipelineExecutions: try await listPipelineExecutions(decode(body))
        case .getPipelineState: try await getPipelineState(decode(body))
        }
    }

    private func decode<T: Decodable>(_ body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }

    func pipelineArn(_ name: String) -> String {
        "arn:aws:codepipeline:\(region):\(account):\(name)"
    }

    private static func json(_ output: any Encodable, requestID: String) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(output)) ?? Data("{}".utf8)
        return Response(
            status: .ok,
            headers: [.contentType: CodePipelineOperation.contentType, HTTPField.Name("x-amzn-RequestId")!: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func error(_ error: APIError, requestID: String) -> Response {
        let data = (try? JSONEncoder().encode(error)) ?? Data()
        let status: HTTPResponse.Status = error.type == "InternalFailure" ? .internalServerError : .badRequest
        return Response(
            status: status,
            headers: [.contentType: CodePipelineOperation.contentType, HTTPField.Name("x-amzn-RequestId")!: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
