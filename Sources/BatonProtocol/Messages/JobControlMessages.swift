import BatonModel

/// REJECT: a worker declines a JOB it was offered (it cannot run it now, or not at all); the
/// coordinator offers the job to another worker under a new nonce and never again to this one.
package struct JobRejected: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var reason: String

    package init(jobId: JobID, nonce: String, reason: String) {
        self.jobId = jobId
        self.nonce = nonce
        self.reason = reason
    }
}

/// PROGRESS: how far a running job is, as CodePipeline's `ExecutionDetails`. Also renews the
/// job's lease.
package struct JobProgress: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var percentComplete: Int?
    package var summary: String?
    package var externalExecutionId: String?

    package init(jobId: JobID, nonce: String, percentComplete: Int? = nil, summary: String? = nil, externalExecutionId: String? = nil) {
        self.jobId = jobId
        self.nonce = nonce
        self.percentComplete = percentComplete
        self.summary = summary
        self.externalExecutionId = externalExecutionId
    }
}

/// CANCEL: the coordinator no longer wants a job (its action was abandoned, timed out or its
/// execution superseded); the worker stops it and sends no result.
package struct JobCancelled: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var reason: String

    package init(jobId: JobID, nonce: String, reason: String) {
        self.jobId = jobId
        self.nonce = nonce
        self.reason = reason
    }
}

/// DETAILS: GetJobDetails. The answer carries the job's data while the nonce is current, and
/// `status` says why not otherwise.
package struct JobDetails: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var status: Acked.Status?
    package var data: JobData?

    package init(jobId: JobID, nonce: String, status: Acked.Status? = nil, data: JobData? = nil) {
        self.jobId = jobId
        self.nonce = nonce
        self.status = status
        self.data = data
    }
}
