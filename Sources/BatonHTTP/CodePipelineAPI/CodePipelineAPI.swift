import BatonAPI
import BatonEngine
import BatonIdentifiers
import BatonJSON
import BatonModel
import BatonStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Serves CodePipeline's wire protocol: `POST /` with `X-Amz-Target: CodePipeline_20150709.<Op>`
/// and an AWS JSON 1.1 body; errors as HTTP 400 with `{"__type", "message"}`.
package struct CodePipelineAPI: Sendable {
    let engine: Engine
    let connections: SourceConnections
    let jobs: (any HTTPJobQueue)?
    let bucket: ArtifactBucket?
    let tagStore: ResourceTags?
    let webhooks: Webhooks?
    let logger: Logger
    let identifiers = RandomIdentifiers()
    /// Handed to job workers for the artifact bucket, which takes the same credentials as the API.
    var artifactCredentials = ArtifactCredentials(accessKeyId: "baton", secretAccessKey: "baton", sessionToken: "baton")
    /// Region and account shown in ARNs; Baton has neither, so these are fixed placeholders.
    let region = "local"
    let account = "000000000000"

    package init(
        engine: Engine, connections: SourceConnections, jobs: (any HTTPJobQueue)? = nil, bucket: ArtifactBucket? = nil,
        tags: ResourceTags? = nil, webhooks: Webhooks? = nil, logger: Logger
    ) {
        self.engine = engine
        self.connections = connections
        self.jobs = jobs
        self.bucket = bucket
        tagStore = tags
        self.webhooks = webhooks
        self.logger = logger
    }

    static let maxRequestBody = 8 * 1024 * 1024

    func respond(to request: Request, context: BatonRequestContext) async -> Response {
        var api = self
        if let key = context.accessKey {
            // A job worker reaches the artifact bucket with the key it signed its poll with.
            api.artifactCredentials = ArtifactCredentials(accessKeyId: key.id, secretAccessKey: key.secret, sessionToken: "")
        }
        return await api.serve(request)
    }

    private func serve(_ request: Request) async -> Response {
        let host = request.head.authority ?? "127.0.0.1"
        let requestID = identifiers.uuid()
        let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? ""
        let prefix = CodePipelineOperation.targetPrefix + "."
        if target.hasPrefix(prefix), let why = CodePipelineOperation.notApplicable[String(target.dropFirst(prefix.count))] {
            return Self.error(APIError(type: "ValidationException", message: "\(target.dropFirst(prefix.count)) does not apply to a self-hosted Baton coordinator: \(why)"), requestID: requestID)
        }
        guard target.hasPrefix(prefix), let operation = CodePipelineOperation(rawValue: String(target.dropFirst(prefix.count))) else {
            let shown = target.isEmpty ? "no X-Amz-Target header" : "'\(target)'"
            return Self.error(APIError(type: "UnknownOperationException", message: "Unknown operation: \(shown)"), requestID: requestID)
        }
        do {
            let body = try await request.body.collect(upTo: Self.maxRequestBody)
            let data = Data(body.readableBytesView)
            let output = try await perform(operation, body: data.isEmpty ? Data("{}".utf8) : data, host: host)
            return Self.json(output, requestID: requestID)
        } catch {
            let apiError = APIError(error)
            if apiError.type == "InternalFailure" {
                logger.error("request failed", metadata: ["operation": "\(operation.rawValue)", "error.message": "\(error)"])
            }
            return Self.error(apiError, requestID: requestID)
        }
    }

    private func perform(_ operation: CodePipelineOperation, body: Data, host: String) async throws -> any Encodable {
        switch operation {
        case .createPipeline:
            let declaration = try strictDeclaration(body)
            let input: CreatePipelineInput = try decode(body)
            try Self.validate(input.tags ?? [])
            let output = try await createPipeline(CreatePipelineInput(pipeline: declaration, tags: input.tags))
            try await setTags(pipelineArn(declaration.name), input.tags ?? [])
            return output
        case .updatePipeline:
            return try await updatePipeline(UpdatePipelineInput(pipeline: strictDeclaration(body)))
        case .getPipeline: return try await getPipeline(decode(body))
        case .listPipelines: return try await listPipelines(decode(body))
        case .deletePipeline: return try await deletePipeline(decode(body))
        case .startPipelineExecution: return try await startPipelineExecution(decode(body))
        case .getPipelineExecution: return try await getPipelineExecution(decode(body))
        case .listPipelineExecutions: return try await listPipelineExecutions(decode(body))
        case .getPipelineState: return try await getPipelineState(decode(body))
        case .stopPipelineExecution: return try await stopPipelineExecution(decode(body))
        case .retryStageExecution: return try await retryStageExecution(decode(body))
        case .enableStageTransition: return try await setStageTransition(decode(body), enabled: true)
        case .disableStageTransition: return try await setStageTransition(decode(body), enabled: false)
        case .putApprovalResult: return try await putApprovalResult(decode(body))
        case .rollbackStage: return try await rollbackStage(decode(body))
        case .overrideStageCondition: return try await overrideStageCondition(decode(body))
        case .createCustomActionType: return try await createCustomActionType(decode(body))
        case .deleteCustomActionType: return try await deleteCustomActionType(decode(body))
        case .listActionTypes: return try await listActionTypes(decode(body))
        case .listActionExecutions: return try await listActionExecutions(decode(body))
        case .getActionType: return try await getActionType(decode(body))
        case .listRuleTypes: return try listRuleTypes(decode(body))
        case .listRuleExecutions: return try await listRuleExecutions(decode(body))
        case .tagResource: return try await tagResource(decode(body))
        case .untagResource: return try await untagResource(decode(body))
        case .listTagsForResource: return try await listTagsForResource(decode(body))
        case .putWebhook: return try await putWebhook(decode(body), host: host)
        case .listWebhooks: return try await listWebhooks(decode(body), host: host)
        case .deleteWebhook: return try await deleteWebhook(decode(body))
        case .pollForJobs: return try await pollForJobs(decode(body))
        case .acknowledgeJob: return try await acknowledgeJob(decode(body))
        case .getJobDetails: return try await getJobDetails(decode(body))
        case .putJobSuccessResult: return try await putJobSuccessResult(decode(body))
        case .putJobFailureResult: return try await putJobFailureResult(decode(body))
        }
    }

    private func decode<T: Decodable>(_ body: Data) throws -> T {
        try Self.decodeInput(T.self, from: body)
    }

    /// A request body as `T`; what JSONDecoder would refuse is a validation or serialization
    /// error naming the member, as CodePipeline reports it. `TokenJSONDecoder` decodes the same
    /// values with JSONDecoder's errors, 2–4× faster.
    static func decodeInput<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        do {
            return try TokenJSONDecoder().decode(T.self, from: [UInt8](body))
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }

    /// The `pipeline` member of a Create/UpdatePipeline body, refusing members Baton does not know.
    private func strictDeclaration(_ body: Data) throws -> PipelineDeclaration {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw APIError(type: "SerializationException", message: "The request body is not valid JSON")
        }
        guard case .object(let object) = value, object["pipeline"] != nil else {
            throw APIError.validation("1 validation error detected: Value null at 'pipeline' failed to satisfy constraint: Member must not be null")
        }
        do {
            return try PipelineDocument.declaration(from: value)
        } catch {
            switch error {
            case .shape(let validation): throw APIError(type: validation.exception.rawValue, message: validation.description)
            case .syntax(_, let reason): throw APIError(type: "SerializationException", message: reason)
            }
        }
    }

    func pipelineArn(_ name: String) -> String {
        "arn:aws:codepipeline:\(region):\(account):\(name)"
    }

    static func json(_ output: any Encodable, requestID: String) -> Response {
        // JSONEncoder's bytes with `.withoutEscapingSlashes`, written as the value is walked.
        let data = (try? StreamingJSONEncoder().encode(output)) ?? Array("{}".utf8)
        return Response(
            status: .ok,
            headers: [.contentType: CodePipelineOperation.contentType, HTTPField.Name("x-amzn-RequestId")!: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: APIError, requestID: String) -> Response {
        let data = (try? StreamingJSONEncoder(escapeSlashes: true).encode(error)) ?? []
        let status: HTTPResponse.Status = error.type == "InternalFailure" ? .internalServerError : .badRequest
        return Response(
            status: status,
            headers: [.contentType: CodePipelineOperation.contentType, HTTPField.Name("x-amzn-RequestId")!: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
