/// What a worker needs to run one action: CodePipeline's `JobData` shape, with Baton's additions
/// (artifact digests and sizes, and the Compute action's commands) as extra members.
package struct JobData: Sendable, Hashable, Codable {
    package var actionTypeId: ActionTypeID
    package var actionConfiguration: ActionConfiguration
    package var pipelineContext: PipelineContext
    package var inputArtifacts: [JobArtifact]
    package var outputArtifacts: [JobArtifact]
    package var continuationToken: String?
    /// Compute actions: the shell commands to run, in order.
    package var commands: [String]?
    /// Compute actions: the environment variables whose final values become output variables.
    package var outputVariables: [String]?
    package var environmentVariables: [EnvironmentVariable]?
    /// Labels a worker must carry to be offered this job: `role` = the action's `roleArn` and
    /// `region` = its `region`, so an account's or a region's actions run only on its workers.
    package var requiredLabels: [String: String]?
    /// Baton: for a git source action, the repository URL (or path) the coordinator resolved
    /// through its connections, and the commit to take instead of the branch head (a trigger's
    /// commit or a StartPipelineExecution `sourceRevisions` override).
    package var sourceRepository: String?
    package var sourceRevision: String?

    package init(
        actionTypeId: ActionTypeID,
        configuration: [String: String],
        pipelineContext: PipelineContext,
        inputArtifacts: [JobArtifact],
        outputArtifacts: [JobArtifact],
        commands: [String]? = nil,
        outputVariables: [String]? = nil,
        environmentVariables: [EnvironmentVariable]? = nil
    ) {
        self.actionTypeId = actionTypeId
        actionConfiguration = ActionConfiguration(configuration: configuration)
        self.pipelineContext = pipelineContext
        self.inputArtifacts = inputArtifacts
        self.outputArtifacts = outputArtifacts
        self.commands = commands
        self.outputVariables = outputVariables
        self.environmentVariables = environmentVariables
    }
}

package struct ActionConfiguration: Sendable, Hashable, Codable {
    package var configuration: [String: String]
}

package struct PipelineContext: Sendable, Hashable, Codable {
    package struct Stage: Sendable, Hashable, Codable {
        package var name: String
    }

    package struct Action: Sendable, Hashable, Codable {
        package var name: String
        package var actionExecutionId: ActionExecutionID
    }

    package var pipelineName: String
    package var stage: Stage
    package var action: Action
    package var pipelineExecutionId: ExecutionID

    package init(pipelineName: String, stageName: String, actionName: String, actionExecutionID: ActionExecutionID, executionID: ExecutionID) {
        self.pipelineName = pipelineName
        stage = Stage(name: stageName)
        action = Action(name: actionName, actionExecutionId: actionExecutionID)
        pipelineExecutionId = executionID
    }
}

/// An input or output artifact of a job. The location names the coordinator's artifact store the
/// way CodePipeline names an S3 object; inputs carry their digest and size so a worker can fetch
/// and verify them.
package struct JobArtifact: Sendable, Hashable, Codable {
    package struct Location: Sendable, Hashable, Codable {
        package struct S3Location: Sendable, Hashable, Codable {
            package var bucketName: String
            package var objectKey: String

            package init(bucketName: String, objectKey: String) {
                self.bucketName = bucketName
                self.objectKey = objectKey
            }
        }

        package var type: String
        package var s3Location: S3Location?

        package init(type: String, s3Location: S3Location?) {
            self.type = type
            self.s3Location = s3Location
        }
    }

    package var name: String
    package var revision: String?
    package var location: Location?
    package var sha256: ArtifactDigest?
    package var size: Int64?
    /// Compute outputs: glob patterns of the work-directory files to package.
    package var files: [String]?

    package static let storeBucket = "baton-artifacts"

    package init(name: String, revision: String? = nil, location: Location? = nil, sha256: ArtifactDigest? = nil, size: Int64? = nil, files: [String]? = nil) {
        self.name = name
        self.revision = revision
        self.location = location
        self.sha256 = sha256
        self.size = size
        self.files = files
    }

    package static func input(_ reference: ArtifactReference) -> JobArtifact {
        JobArtifact(
            name: reference.name,
            revision: reference.revision,
            location: Location(type: "S3", s3Location: .init(bucketName: storeBucket, objectKey: "sha256/\(reference.digest.hex)")),
            sha256: reference.digest,
            size: reference.size
        )
    }

    /// Where a worker polling over HTTP puts this output for job `job`, in the store's bucket.
    package func uploadLocation(job: JobID) -> JobArtifact {
        var artifact = self
        artifact.location = Location(type: "S3", s3Location: .init(bucketName: Self.storeBucket, objectKey: Self.outputKey(job: job, name: name)))
        return artifact
    }

    package static func outputKey(job: JobID, name: String) -> String {
        "outputs/\(job.rawValue)/\(name)"
    }

    package static func output(_ declaration: OutputArtifact) -> JobArtifact {
        JobArtifact(name: declaration.name, files: declaration.files)
    }
}
