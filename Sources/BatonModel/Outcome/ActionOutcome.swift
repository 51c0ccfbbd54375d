/// What running an action produced. A failed build is an outcome, not an error: errors are for
/// when the system could not run the action at all.
package enum ActionOutcome: Sendable, Hashable {
    case succeeded(ActionOutputs)
    case failed(FailureDetails)
}

package struct ActionOutputs: Sendable, Hashable, Codable {
    package var artifacts: [ArtifactReference]
    package var variables: [String: String]
    package var summary: String?
    package var externalExecutionId: String?
    /// Baton: the job's whole log, stored as an artifact with its checksum.
    package var log: ArtifactReference?

    package init(
        artifacts: [ArtifactReference] = [],
        variables: [String: String] = [:],
        summary: String? = nil,
        externalExecutionId: String? = nil,
        log: ArtifactReference? = nil
    ) {
        self.artifacts = artifacts
        self.variables = variables
        self.summary = summary
        self.externalExecutionId = externalExecutionId
        self.log = log
    }
}
