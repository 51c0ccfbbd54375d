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

    /// The push to a full ref name (`refs/heads/main`, `refs/tags/v1`); nil for any other ref.
    package static func push(to ref: String) -> Kind? {
        if ref.hasPrefix("refs/heads/") { return .push(.branch(String(ref.dropFirst("refs/heads/".count)))) }
        if ref.hasPrefix("refs/tags/") { return .push(.tag(String(ref.dropFirst("refs/tags/".count)))) }
        return nil
    }
}
