import ArgumentParser
import BatonAPI
import Foundation

/// Options every API client command takes.
struct ClientOptions: ParsableArguments {
    @Option(help: "The coordinator's HTTP API (env BATON_ENDPOINT; default http://127.0.0.1:7700).")
    var endpoint: String?

    @Option(help: "text or json.")
    var output: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }

    func client() throws -> CodePipelineClient {
        let text = setting(endpoint, env: "BATON_ENDPOINT", default: "http://127.0.0.1:7700")
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--endpoint '\(text)' is not an http:// URL")
        }
        // Signed like the aws CLI signs, when the usual AWS variables hold a key.
        let environment = ProcessInfo.processInfo.environment
        var key: AccessKey?
        if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty {
            key = AccessKey(id: id, secret: secret)
        }
        return CodePipelineClient(endpoint: url, accessKey: key)
    }
}

/// A client call's failure as one line and a nonzero exit.
struct ClientFailure: Error, CustomStringConvertible {
    let description: String
}

extension CodePipelineClient {
    func perform<Output: Decodable>(_ operation: CodePipelineOperation, _ input: some Encodable, as output: Output.Type = Output.self) async throws -> Output {
        do {
            return try await call(operation, input, as: Output.self)
        } catch {
            throw ClientFailure(description: error.description)
        }
    }

    /// A call to one of Baton's own endpoints (`/baton/…`), its failure as one line.
    func perform<Output: Decodable>(post path: String, _ input: some Encodable, as output: Output.Type = Output.self) async throws -> Output {
        do {
            return try await post(path, input, as: Output.self)
        } catch {
            throw ClientFailure(description: error.description)
        }
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// One compact JSON object per line, for streams (`watch --output json`).
func printJSONLine(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
