import BatonAPI
import BatonModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Refuses requests without a valid SigV4 signature from one of the coordinator's access keys,
/// with the errors AWS gives: the API's as AWS JSON, the artifact bucket's as S3 XML. The health
/// check and webhook deliveries (which carry their own HMAC or token) are not signed.
struct SignatureCheck: RouterMiddleware {
    typealias Context = BatonRequestContext

    let verifier: SigV4Verifier
    let maxBody: Int

    static func isExempt(_ path: String) -> Bool {
        path == "/healthz" || path == "/metrics" || path.hasPrefix("/baton/webhooks/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.isExempt(path) { return try await next(request, context) }
        let isBucket = path.hasPrefix("/\(JobArtifact.storeBucket)/")
        var request = request
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName.lowercased()
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }

        let payloadHash: String
        if isBucket {
            // The bucket streams bodies: it checks a declared digest itself while writing.
            switch headers["x-amz-content-sha256"] {
            case let declared? where declared.hasPrefix("STREAMING-"):
                return ArtifactBucket.s3Error(.notImplemented, code: "NotImplemented",
                                              message: "aws-chunked uploads are not supported; send the object in one body", key: path)
            case let declared?:
                payloadHash = declared
            case nil where request.method == .put:
                return ArtifactBucket.s3Error(.badRequest, code: "InvalidRequest", message: "a PUT must carry x-amz-content-sha256", key: path)
            case nil:
                payloadHash = SigV4.payloadHash(Data())
            }
        } else {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maxBody)
            } catch {
                return Response(status: .contentTooLarge)
            }
            request.body = RequestBody(buffer: body)
            payloadHash = SigV4.payloadHash(Data(body.readableBytesView))
        }
        let input = SigV4.CanonicalInput(
            method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: headers, payloadHash: payloadHash)
        switch verifier.verify(input) {
        case .success(let key):
            var context = context
            context.accessKey = key
            return try await next(request, context)
        case .failure(let failure):
            return isBucket ? Self.bucketError(failure, key: path) : Self.apiError(failure)
        }
    }

    static func apiError(_ failure: SigV4Verifier.Failure) -> Response {
        let type = switch failure {
        case .missing: "MissingAuthenticationTokenException"
        case .malformed: "IncompleteSignatureException"
        case .unknownKey: "UnrecognizedClientException"
        case .expired, .mismatch: "InvalidSignatureException"
        }
        var response = CodePipelineAPI.error(APIError(type: type, message: failure.description), requestID: UUID().uuidString.lowercased())
        if failure == .missing { response.status = .forbidden }
        return response
    }

    static func bucketError(_ failure: SigV4Verifier.Failure, key: String) -> Response {
        let code = switch failure {
        case .missing: "AccessDenied"
        case .malformed: "AuthorizationHeaderMalformed"
        case .unknownKey: "InvalidAccessKeyId"
        case .expired: "RequestTimeTooSkewed"
        case .mismatch: "SignatureDoesNotMatch"
        }
        return ArtifactBucket.s3Error(.forbidden, code: code, message: failure.description, key: key)
    }
}
