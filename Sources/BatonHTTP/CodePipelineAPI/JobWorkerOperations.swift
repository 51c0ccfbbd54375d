import BatonAPI
import BatonEngine
import BatonModel

extension CodePipelineAPI {
    private func jobQueue() throws -> any HTTPJobQueue {
        guard let jobs else { throw APIError(type: "ValidationException", message: "This coordinator does not serve HTTP job workers") }
        return jobs
    }

    func pollForJobs(_ input: PollForJobsInput) async throws -> PollForJobsOutput {
        let queue = try jobQueue()
        guard await engine.actionTypes[input.actionTypeId] != nil else {
            throw APIError(type: "ActionTypeNotFoundException", message: "Action type \(input.actionTypeId) does not exist")
        }
        let size = input.maxBatchSize ?? 1
        guard (1...100).contains(size) else {
            throw APIError.validation("1 validation error detected: Value '\(size)' at 'maxBatchSize' failed to satisfy constraint: Member must have value between 1 and 100")
        }
        let polled = await queue.poll(input.actionTypeId, maxBatchSize: size, query: input.queryParam)
        return PollForJobsOutput(jobs: polled.map { workerJob($0, withNonce: true) })
    }

    func acknowledgeJob(_ input: AcknowledgeJobInput) async throws -> AcknowledgeJobOutput {
        try await jobQueue().acknowledge(JobID(rawValue: input.jobId), nonce: input.nonce)
        return AcknowledgeJobOutput(status: "InProgress")
    }

    func getJobDetails(_ input: GetJobDetailsInput) async throws -> GetJobDetailsOutput {
        let job = try await jobQueue().details(JobID(rawValue: input.jobId))
        return GetJobDetailsOutput(jobDetails: workerJob(job, withNonce: false))
    }

    func putJobSuccessResult(_ input: PutJobSuccessResultInput) async throws -> EmptyOutput {
        let queue = try jobQueue()
        let id = JobID(rawValue: input.jobId)
        let job = try await queue.details(id)
        guard job.acknowledged else { throw JobWorkerError.notAcknowledged(id) }
        var artifacts: [ArtifactReference] = []
        for output in job.data.outputArtifacts {
            guard var reference = bucket?.output(job: id, name: output.name) else {
                let key = JobArtifact.outputKey(job: id, name: output.name)
                throw APIError.validation("Output artifact '\(output.name)' was not uploaded: PUT it to s3://\(JobArtifact.storeBucket)/\(key) before PutJobSuccessResult")
            }
            reference.revision = input.currentRevision?.revision
            artifacts.append(reference)
        }
        let outputs = ActionOutputs(
            artifacts: artifacts, variables: input.outputVariables ?? [:],
            summary: input.executionDetails?.summary, externalExecutionId: input.executionDetails?.externalExecutionId)
        try await queue.succeed(id, outputs: outputs, continuationToken: input.continuationToken)
        bucket?.forget(job: id)
        return EmptyOutput()
    }

    func putJobFailureResult(_ input: PutJobFailureResultInput) async throws -> EmptyOutput {
        let id = JobID(rawValue: input.jobId)
        try await jobQueue().fail(id, failure: FailureDetails(
            type: input.failureDetails.type, message: input.failureDetails.message, externalExecutionId: input.failureDetails.externalExecutionId))
        bucket?.forget(job: id)
        return EmptyOutput()
    }

    private func workerJob(_ job: PolledJob, withNonce: Bool) -> WorkerJob {
        var data = job.data
        data.outputArtifacts = data.outputArtifacts.map { $0.uploadLocation(job: job.id) }
        return WorkerJob(id: job.id.rawValue, data: WorkerJobData(data, credentials: artifactCredentials), nonce: withNonce ? job.nonce : nil, accountId: account)
    }
}

extension APIError {
    init(_ error: JobWorkerError) {
        switch error {
        case .jobNotFound: self.init(type: "JobNotFoundException", message: error.description)
        case .invalidNonce: self.init(type: "InvalidNonceException", message: error.description)
        case .invalidJobState, .notAcknowledged: self.init(type: "InvalidJobStateException", message: error.description)
        case .notRecorded: self.init(type: "InternalFailure", message: error.description)
        }
    }
}
