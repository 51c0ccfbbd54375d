/// Why an action failed, in PutJobFailureResult's shape.
package struct FailureDetails: Sendable, Hashable, Codable {
    package enum Kind: String, Sendable, Hashable, Codable {
        case jobFailed = "JobFailed"
        case configurationError = "ConfigurationError"
        case permissionError = "PermissionError"
        case revisionOutOfSync = "RevisionOutOfSync"
        case revisionUnavailable = "RevisionUnavailable"
        case systemUnavailable = "SystemUnavailable"
    }

    package var type: Kind
    package var message: String
    package var externalExecutionId: String?
    /// Baton: the job's whole log, stored as an artifact with its checksum.
    package var log: ArtifactReference?

    package init(type: Kind, message: String, externalExecutionId: String? = nil, log: ArtifactReference? = nil) {
        self.type = type
        // CodePipeline caps failure messages at 5000 characters.
        self.message = String(message.prefix(5000))
        self.externalExecutionId = externalExecutionId
        self.log = log
    }
}
