import ArgumentParser
import BatonAPI
import Foundation

struct ConnectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection",
        abstract: "Source connections: map a pipeline's ConnectionArn (or a CodeCommit repository) to a git URL or a local path.",
        subcommands: [Create.self, List.self, Delete.self])

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
            let output = try await client.client().perform(
                post: CreateConnectionInput.path,
                CreateConnectionInput(connectionName: name, providerType: providerType, url: url, webhookSecret: webhookSecret),
                as: CreateConnectionOutput.self)
            switch client.output {
            case .json: try printJSON(output)
            case .text: print(output.connectionArn)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the connections.")

        @OptionGroup var client: ClientOptions

        func run() async throws {
            let output = try await client.client().perform(post: ListConnectionsInput.path, ListConnectionsInput(), as: ListConnectionsOutput.self)
            switch client.output {
            case .json: try printJSON(output)
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
            _ = try await client.client().perform(post: DeleteConnectionInput.path, DeleteConnectionInput(connectionName: name), as: DeleteConnectionOutput.self)
            if client.output == .json { try printJSON(["connectionName": name, "deleted": "true"]) }
        }
    }
}
