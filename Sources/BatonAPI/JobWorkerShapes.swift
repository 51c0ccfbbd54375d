import BatonModel

/// PollForJobs, AcknowledgeJob, GetJobDetails, PutJobSuccessResult and PutJobFailureResult: the
/// custom-action job-worker API, in CodePipeline's shapes.
package struct PollForJobsInput: Sendable, Codable {
    package var actionTypeId: ActionTypeID
    package var maxBatchSize: Int?
    package var queryParam: [String: String]?

    package init(actionTypeId: ActionTypeID, maxBatchSize: Int? = nil, queryParam: [String: String]? = nil) {
        self.actionTypeId = actionTypeId
        self.maxBatchSize = maxBatchSize
        self.queryParam = queryParam
    }
}

/// AWS credentials for the job's artifact bucket, as CodePipeline hands them to a job worker.
package struct ArtifactCredentials: Sendable, Codable {
    package var accessKeyId: String
    package var secretAccessKey: String
    package var sessionToken: String

    package init(accessKeyId: String, secretAccessKey: String, sessionToken: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// CodePipeline's `JobData`: Baton's job data plus the artifact credentials.
package struct WorkerJobData: Sendable, Codable {
    package var actionTypeId: ActionTypeID
    package var actionConfiguration: ActionConfiguration
    package var pipelineContext: PipelineContext
    package var inputArtifacts: [JobArtifact]
    package var outputArtifacts: [JobArtifact]
    package var artifactCredentials: ArtifactCredentials?
    package var continuationToken: String?

    package init(_ data: JobData, credentials: ArtifactCredentials?) {
        actionTypeId = data.actionTypeId
        actionConfiguration = data.actionConfiguration
        pipelineContext = data.pipelineContext
        inputArtifacts = data.inputArtifacts
        outputArtifacts = data.outputArtifacts
        artifactCredentials = credentials
        continuationToken = data.continuationToken
    }
}

package struct WorkerJob: Sendable, Codable {
    package var id: String
    package var data: WorkerJobData
    package var nonce: String?
    package var accountId: String

    package init(id: String, data: WorkerJobData, nonce: String?, accountId: String) {
        self.id = id
        self.data = data
        self.nonce = nonce
        self.accountId = accountId
    }
}

package struct PollForJobsOutput: Sendable, Codable {
    package var jobs: [WorkerJob]
    package init(jobs: [WorkerJob]) { self.jobs = jobs }
}

package struct AcknowledgeJobInput: Sendable, Codable {
    package var jobId: String
    package var nonce: String

    package init(jobId: String, nonce: String) {
        self.jobId = jobId
        self.nonce = nonce
    }
}

package struct AcknowledgeJobOutput: Sendable, Codable {
    package var status: String
    package init(status: String) { self.status = status }
}

package struct GetJobDetailsInput: Sendable, Codable {
    package var jobId: String
    package init(jobId: String) { self.jobId = jobId }
}

package struct GetJobDetailsOutput: Sendable, Codable {
    package var jobDetails: WorkerJob
    package init(jobDetails: WorkerJob) { self.jobDetails = jobDetails }
}

package struct CurrentRevision: Sendable, Codable {
    package var revision: String
    package var changeIdentifier: String
    package var revisionSummary: String?
}

package struct ExecutionDetails: Sendable, Codable {
    package var summary: String?
    package var externalExecutionId: String?
    package var percentComplete: Int?

    package init(summary: String? = nil, externalExecutionId: String? = nil, percentComplete: Int? = nil) {
        self.summary = summary
        self.externalExecutionId = externalExecutionId
        self.percentComplete = percentComplete
    }
}

package struct PutJobSuccessResultInput: Sendable, Codable {
    package var jobId: String
    package var currentRevision: CurrentRevision?
    package var continuationToken: String?
    package var executionDetails: ExecutionDetails?
    package var outputVariables: [String: String]?

    package init(jobId: String, currentRevision: CurrentRevision? = nil, continuationToken: String? = nil,
                 executionDetails: ExecutionDetails? = nil, outputVariables: [String: String]? = nil) {
        self.jobId = jobId
        self.currentRevision = currentRevision
        self.continuationToken = continuationToken
        self.executionDetails = executionDetails
        self.outputVariables = outputVariables
    }
}

package struct PutJobFailureResultInput: Sendable, Codable {
    package var jobId: String
    package var failureDetails: FailureDetails

    package init(jobId: String, failureDetails: FailureDetails) {
        self.jobId = jobId
        self.failureDetails = failureDetails
    }
}
