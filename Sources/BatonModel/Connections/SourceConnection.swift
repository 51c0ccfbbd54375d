import Foundation

/// Where a source action's repository lives: Baton's stand-in for a CodeConnections connection
/// (and for CodeCommit repositories), mapping the action's configuration to a git URL or a local
/// path. `url` may hold `{FullRepositoryId}` or `{RepositoryName}`; without a placeholder the
/// repository id is appended after a `/`.
package struct SourceConnection: Sendable, Hashable, Codable {
    package static let providerTypes = ["GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged", "Bitbucket", "CodeCommit", "Git"]

    package var name: String
    package var providerType: String
    package var url: String
    package var created: Timestamp
    /// The secret webhook deliveries for this connection are signed with (GitHub and Bitbucket
    /// HMAC-SHA256, GitLab's token); nil: deliveries are refused.
    package var webhookSecret: String?

    package init(name: String, providerType: String, url: String, created: Timestamp, webhookSecret: String? = nil) {
        self.name = name
        self.providerType = providerType
        self.url = url
        self.created = created
        self.webhookSecret = webhookSecret
    }

    /// The ARN a pipeline's `ConnectionArn` names it by.
    package var arn: String { "arn:aws:codeconnections:local:000000000000:connection/\(name)" }

    /// The connection name in a `ConnectionArn` (`…:connection/<name>`, from either the
    /// codeconnections or the older codestar-connections service), or the text itself.
    package static func name(fromArn arn: String) -> String {
        guard let range = arn.range(of: ":connection/") else { return arn }
        return String(arn[range.upperBound...])
    }

    /// Connection names are ARN resource ids: 1–32 letters, digits, `-` and `_`.
    package static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    package func repositoryURL(_ repository: String) -> String {
        for placeholder in ["{FullRepositoryId}", "{RepositoryName}"] where url.contains(placeholder) {
            return url.replacingOccurrences(of: placeholder, with: repository)
        }
        return url.hasSuffix("/") ? url + repository : url + "/" + repository
    }
}

/// Why a source action's repository could not be found.
package struct SourceResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    package let description: String
}

extension SourceConnection {
    /// Whether actions of `type` read a git repository through a connection.
    package static func isGitSource(_ type: ActionTypeID) -> Bool {
        type.category == "Source" && type.owner == "AWS" && ["CodeStarSourceConnection", "CodeCommit"].contains(type.provider)
    }
}

extension Collection<SourceConnection> {
    /// The repository URL and branch a git source action reads, or nil for other action types.
    package func repository(for type: ActionTypeID, configuration: [String: String]) -> Result<(url: String, branch: String), SourceResolutionError>? {
        guard SourceConnection.isGitSource(type) else { return nil }
        switch type.provider {
        case "CodeStarSourceConnection":
            let arn = configuration["ConnectionArn"] ?? ""
            let name = SourceConnection.name(fromArn: arn)
            guard let connection = first(where: { $0.name == name }) else {
                return .failure(SourceResolutionError(description: "no connection \(name) (ConnectionArn \(arn)); create it with `baton connection create \(name) --url <git url or path>`"))
            }
            return .success((connection.repositoryURL(configuration["FullRepositoryId"] ?? ""), configuration["BranchName"] ?? "main"))
        case "CodeCommit":
            let repository = configuration["RepositoryName"] ?? ""
            // A connection named after the repository, else a CodeCommit connection whose URL
            // has a {RepositoryName} placeholder.
            let connection = first { $0.name == repository }
                ?? first { $0.providerType == "CodeCommit" && $0.url.contains("{RepositoryName}") }
            guard let connection else {
                return .failure(SourceResolutionError(description: "no connection for CodeCommit repository \(repository); create one with `baton connection create \(repository) --provider-type CodeCommit --url <git url or path>`"))
            }
            return .success((connection.repositoryURL(repository), configuration["BranchName"] ?? "main"))
        default:
            return nil
        }
    }
}
