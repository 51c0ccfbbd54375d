import ArgumentParser
import BatonAPI
import Foundation

struct ConnectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection",
        abstract: "Source connections: map a pipeline's ConnectionArn (or a CodeCommit repository) to a git URL or a local path.",
        subcommands: [Create.self, List.self, Delete.self])

    static func call<Output: Decodable>(_ client: ClientOptions, _ path: String, _ input: some Encodable) async throws -> Output {
        do {
            return try await client.client().post(path, input)
        } catch let error as CodePipelineClient.Failure {
            throw ClientFailure(description: error.description)
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (or replace) a connection; prints its ARN for the pipeline's ConnectionArn.",
            discussion: """
                The URL may hold {FullRepositoryId} (CodeStarSourceConnection) or {RepositoryName} \
                (CodeCommit); without one the repository id is appended after a '/'. Examples:
                  baton connection create github --url https://github.com
                  baton connection create local --url /srv/git/{FullRepositoryId}.git
                  baton connection create shop-api --provider-type CodeCommit --url /srv/git/shop-api
                """)

        @OptionGroup var client: ClientOptions

        @Argument(help: "The connection's name: the last part of its ARN.")
        var name: String

        @Option(help: "A git URL or a local path, with an optional {FullRepositoryId} or {RepositoryName} placeholder.")
        var url: String

        @Option(help: "GitHub, GitHubEnterpriseServer, GitLab, GitLabSelfManaged, Bitbucket, CodeCommit or Git (the default).")
        var providerType: String?

        @Option(help: "The secret webhook deliveries to /baton/webhooks/NAME are signed with (GitHub/Bitbucket HMAC, GitLab token); without one, deliveries are refused.")
        var webhookSecret: String?

        func run() async throws {
            let output: CreateConnectionOutput = try await ConnectionCommand.call(
                client, CreateConnectionInput.path, CreateConnectionInput(connectionName: name, providerType: providerType, url: url, webhookSecret: webhookSecret))
            switch client.output {
            case .json: try ConnectionCommand.printJSON(output)
            case .text: print(output.connectionArn)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the connections.")

        @OptionGroup var client: ClientOptions

        func run() async throws {
            let output: ListConnectionsOutput = try await ConnectionCommand.call(client, ListConnectionsInput.path, ListConnectionsInput())
            switch client.output {
            case .json: try ConnectionCommand.printJSON(output)
            case .text:
                for connection in output.connections {
                    print("\(connection.connectionName)\t\(connection.providerType)\t\(connection.url)\t\(connection.connectionArn)")
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a connection by name or ARN.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The connection's name or ARN.")
        var name: String

        func run() async throws {
            let _: DeleteConnectionOutput = try await ConnectionCommand.call(client, DeleteConnectionInput.path, DeleteConnectionInput(connectionName: name))
        }
    }
}
