/// A change on a connected repository, as trigger filters see it.
package struct GitEvent: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        /// A push to a branch or a tag.
        case push(GitReference)
        /// A pull request event (`OPEN`, `UPDATED`, `CLOSED`) targeting `destinationBranch`.
        case pullRequest(event: String, destinationBranch: String)
    }

    package enum GitReference: Sendable, Hashable {
        case branch(String)
        case tag(String)
    }

    package var kind: Kind
    /// Files the change touches, relative to the repository root.
    package var changedPaths: [String]
    /// The push created the branch (file-path filters never start on such a push).
    package var createsBranch: Bool

    package init(kind: Kind, changedPaths: [String] = [], createsBranch: Bool = false) {
        self.kind = kind
        self.changedPaths = changedPaths
        self.createsBranch = createsBranch
    }

    /// CodePipeline looks at only the first 100 changed files.
    package static let changedPathLimit = 100
}
