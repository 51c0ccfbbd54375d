import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of a coordinator's CodePipeline API (AWS JSON 1.1 over HTTP), for the CLI and tests.
package struct CodePipelineClient: Sendable {
    package enum Failure: Error, Sendable, CustomStringConvertible {
        /// The coordinator answered with a CodePipeline error.
        case api(APIError)
        /// Nothing answered at the endpoint.
        case unreachable(endpoint: String, reason: String)
        /// Something answered, but not with the protocol's shapes.
        case badResponse(status: Int, body: String)

        package var description: String {
            switch self {
            case .api(let error): "\(error.type): \(error.message)"
            case .unreachable(let endpoint, let reason): "cannot reach the coordinator at \(endpoint): \(reason)"
            case .badResponse(let status, let body): "unexpected response (HTTP \(status)): \(body.prefix(200))"
            }
        }
    }

    package let endpoint: URL
    /// Signs every request (SigV4, service `codepipeline`) when set.
    package let accessKey: AccessKey?
    private let session: URLSession

    package init(endpoint: URL, accessKey: AccessKey? = nil) {
        self.endpoint = endpoint
        self.accessKey = accessKey
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        // No response cache: every call is a fresh read or a change, and the ephemeral session's
        // cache still looked up its directory on disk for every request.
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    package func call<Output: Decodable>(
        _ operation: CodePipelineOperation, _ input: some Encodable, as output: Output.Type = Output.self
    ) async throws(Failure) -> Output {
        var request = URLRequest(url: endpoint)
        request.setValue(operation.target, forHTTPHeaderField: "X-Amz-Target")
        return try await send(&request, input)
    }

    /// One of Baton's own operations, `POST path` with a JSON body (such as `/baton/artifacts/gc`).
    package func post<Output: Decodable>(_ path: String, _ input: some Encodable, as output: Output.Type = Output.self) async throws(Failure) -> Output {
        var request = URLRequest(url: endpoint.appendingPathComponent(String(path.drop { $0 == "/" })))
        return try await send(&request, input)
    }

    /// `GET path?query` on the coordinator (logs, the artifact bucket): the body and the
    /// response headers (names in lower case). Anything but 200 is a failure.
    package func get(_ path: String, query: String? = nil) async throws(Failure) -> (body: Data, headers: [String: String]) {
        let (data, response) = try await exchange(signedGet(path, query: query))
        return try Self.checked(data, response)
    }

    /// Like `get`, but the body goes to a temporary file instead of memory (large artifacts).
    package func download(_ path: String) async throws(Failure) -> (file: URL, headers: [String: String]) {
        let request = signedGet(path, query: nil)
        let file: URL
        let response: URLResponse
        do {
            (file, response) = try await session.download(for: request)
        } catch {
            throw .unreachable(endpoint: endpoint.absoluteString, reason: error.localizedDescription)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            let body = (try? Data(contentsOf: file)) ?? Data()
            try? FileManager.default.removeItem(at: file)
            _ = try Self.checked(body, response)
            throw .badResponse(status: status, body: "")
        }
        return (file, Self.headers(response))
    }

    private func exchange(_ request: URLRequest) async throws(Failure) -> (Data, URLResponse) {
        do {
            return try await session.data(for: request)
        } catch {
            throw .unreachable(endpoint: endpoint.absoluteString, reason: error.localizedDescription)
        }
    }

    private func signedGet(_ path: String, query: String?) -> URLRequest {
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)
        components?.path = path
        components?.percentEncodedQuery = query
        var request = URLRequest(url: components?.url ?? endpoint)
        request.httpMethod = "GET"
        if let accessKey, let url = request.url {
            let emptyHash = SigV4.payloadHash(Data())
            request.setValue(emptyHash, forHTTPHeaderField: "x-amz-content-sha256")
            let signed = SigV4.signingHeaders(
                method: "GET", url: url, headers: ["x-amz-content-sha256": emptyHash], body: Data(), key: accessKey, region: "us-east-1", service: "s3")
            for (name, value) in signed { request.setValue(value, forHTTPHeaderField: name) }
        }
        return request
    }

    private static func headers(_ response: URLResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in (response as? HTTPURLResponse)?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return headers
    }

    private static func checked(_ data: Data, _ response: URLResponse) throws(Failure) -> (body: Data, headers: [String: String]) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            if let error = try? JSONDecoder().decode(APIError.self, from: data) { throw .api(error) }
            let text = String(decoding: data, as: UTF8.self)
            // The artifact bucket answers in S3's XML.
            if let code = text.range(of: "<Code>").flatMap({ start in text.range(of: "</Code>").map { String(text[start.upperBound..<$0.lowerBound]) } }),
               let message = text.range(of: "<Message>").flatMap({ start in text.range(of: "</Message>").map { String(text[start.upperBound..<$0.lowerBound]) } }) {
                throw .api(APIError(type: code, message: message))
            }
            throw .badResponse(status: status, body: text)
        }
        return (data, headers(response))
    }

    private func send<Output: Decodable>(_ request: inout URLRequest, _ input: some Encodable) async throws(Failure) -> Output {
        request.httpMethod = "POST"
        request.setValue(CodePipelineOperation.contentType, forHTTPHeaderField: "Content-Type")
        do {
            request.httpBody = try JSONEncoder().encode(input)
        } catch {
            preconditionFailure("request shapes always encode: \(error)")
        }
        if let accessKey, let url = request.url {
            var headers: [String: String] = [:]
            for (name, value) in request.allHTTPHeaderFields ?? [:] where ["content-type", "x-amz-target"].contains(name.lowercased()) {
                headers[name] = value
            }
            let signed = SigV4.signingHeaders(
                method: "POST", url: url, headers: headers, body: request.httpBody ?? Data(), key: accessKey, region: "us-east-1", service: "codepipeline")
            for (name, value) in signed { request.setValue(value, forHTTPHeaderField: name) }
        }
        let (data, response) = try await exchange(request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let decoder = JSONDecoder()
        guard status == 200 else {
            if let error = try? decoder.decode(APIError.self, from: data) { throw .api(error) }
            throw .badResponse(status: status, body: String(decoding: data, as: UTF8.self))
        }
        do {
            return try decoder.decode(Output.self, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch {
            throw .badResponse(status: status, body: String(decoding: data, as: UTF8.self))
        }
    }
}
