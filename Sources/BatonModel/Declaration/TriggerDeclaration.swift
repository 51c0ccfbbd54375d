/// A V2 trigger: which pushes and pull requests on a connected repository start the pipeline.
package struct TriggerDeclaration: Sendable, Hashable, Codable {
    package var providerType: String
    package var gitConfiguration: GitConfiguration

    package init(providerType: String = "CodeStarSourceConnection", gitConfiguration: GitConfiguration) {
        self.providerType = providerType
        self.gitConfiguration = gitConfiguration
    }
}

package struct GitConfiguration: Sendable, Hashable, Codable {
    package var sourceActionName: String
    package var push: [GitPushFilter]?
    package var pullRequest: [GitPullRequestFilter]?

    package init(sourceActionName: String, push: [GitPushFilter]? = nil, pullRequest: [GitPullRequestFilter]? = nil) {
        self.sourceActionName = sourceActionName
        self.push = push
        self.pullRequest = pullRequest
    }
}

package struct GitPushFilter: Sendable, Hashable, Codable {
    package var tags: GitPatternFilter?
    package var branches: GitPatternFilter?
    package var filePaths: GitPatternFilter?

    package init(tags: GitPatternFilter? = nil, branches: GitPatternFilter? = nil, filePaths: GitPatternFilter? = nil) {
        self.tags = tags
        self.branches = branches
        self.filePaths = filePaths
    }
}

package struct GitPullRequestFilter: Sendable, Hashable, Codable {
    package var events: [String]?
    package var branches: GitPatternFilter?
    package var filePaths: GitPatternFilter?

    package init(events: [String]? = nil, branches: GitPatternFilter? = nil, filePaths: GitPatternFilter? = nil) {
        self.events = events
        self.branches = branches
        self.filePaths = filePaths
    }
}

/// `includes` and `excludes` glob lists; a value matching an exclude is out even if it matches an include.
package struct GitPatternFilter: Sendable, Hashable, Codable {
    package var includes: [String]?
    package var excludes: [String]?

    package init(includes: [String]? = nil, excludes: [String]? = nil) {
        self.includes = includes
        self.excludes = excludes
    }
}
