import BatonModel

/// The executions a retention policy keeps, and the artifacts they refer to.
package struct RetainedArtifacts: Sendable, Hashable {
    package var executionIDs: Set<ExecutionID>
    package var digests: Set<ArtifactDigest>

    package init(executionIDs: Set<ExecutionID>, digests: Set<ArtifactDigest>) {
        self.executionIDs = executionIDs
        self.digests = digests
    }
}
