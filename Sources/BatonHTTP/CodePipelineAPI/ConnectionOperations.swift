import BatonAPI
import BatonIdentifiers
import BatonModel
import BatonStore
import Foundation
import Hummingbird

extension CodePipelineAPI {
    /// Serves `POST /baton/connections/{create,list,delete}`.
    func connectionRequest(_ request: Request, context: some RequestContext, path: String) async -> Response {
        let requestID = identifiers.uuid()
        do {
            let body = try await request.body.collect(upTo: 64 * 1024)
            let data = body.readableBytes == 0 ? Data("{}".utf8) : Data(body.readableBytesView)
            let output: any Encodable = switch path {
            case CreateConnectionInput.path: try await createConnection(try Self.decodeInput(CreateConnectionInput.self, from: data))
            case DeleteConnectionInput.path: try await deleteConnection(try Self.decodeInput(DeleteConnectionInput.self, from: data))
            default: ListConnectionsOutput(connections: connections.all.map(Self.shape))
            }
            return Self.json(output, requestID: requestID)
        } catch {
            return Self.error(APIError(error), requestID: requestID)
        }
    }

    private static func shape(_ connection: SourceConnection) -> ConnectionShape {
        ConnectionShape(
            connectionName: connection.name, connectionArn: connection.arn, providerType: connection.providerType,
            url: connection.url, created: connection.created.secondsSince1970,
            webhookPath: connection.webhookSecret == nil ? nil : "/baton/webhooks/\(connection.name)")
    }

    private func createConnection(_ input: CreateConnectionInput) async throws -> CreateConnectionOutput {
        guard SourceConnection.isValidName(input.connectionName) else {
            throw APIError.validation("connectionName '\(input.connectionName)' must be 1–32 letters, digits, '-' or '_'")
        }
        let providerType = input.providerType ?? "Git"
        guard SourceConnection.providerTypes.contains(providerType) else {
            throw APIError.validation("providerType \(providerType) is not one of \(SourceConnection.providerTypes.joined(separator: ", "))")
        }
        guard !input.url.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.validation("url must name a git URL or a local path")
        }
        let connection = SourceConnection(
            name: input.connectionName, providerType: providerType, url: input.url,
            created: Timestamp(secondsSince1970: Date().timeIntervalSince1970), webhookSecret: input.webhookSecret?.isEmpty == false ? input.webhookSecret : nil)
        try await connections.save(connection)
        return CreateConnectionOutput(connectionArn: connection.arn, connection: Self.shape(connection))
    }

    private func deleteConnection(_ input: DeleteConnectionInput) async throws -> DeleteConnectionOutput {
        let name = SourceConnection.name(fromArn: input.connectionName)
        guard try await connections.delete(name) else {
            throw APIError(type: "ResourceNotFoundException", message: "Connection \(name) does not exist.")
        }
        return DeleteConnectionOutput()
    }
}
