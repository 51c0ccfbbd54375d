import BatonModel

/// A job a worker holds, named by its id and the nonce of the dispatch it holds it under.
package struct JobClaim: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String

    package init(jobId: JobID, nonce: String) {
        self.jobId = jobId
        self.nonce = nonce
    }
}

/// ACK: a worker takes a job. `started` says it already runs it (a job safe to repeat, started
/// as its JOB arrived): the coordinator then answers ACKED only when the job is not the worker's
/// (`InvalidNonce`, `JobNotFound`), since `InProgress` would change nothing for it.
package struct JobAck: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var started: Bool?

    package init(jobId: JobID, nonce: String, started: Bool? = nil) {
        self.jobId = jobId
        self.nonce = nonce
        self.started = started
    }

    package var claim: JobClaim { JobClaim(jobId: jobId, nonce: nonce) }
}

/// HELLO: a worker introduces itself; the coordinator answers WELCOME.
package struct Hello: Sendable, Hashable, Codable {
    package var workerId: String
    /// New for every worker process: a HELLO with a new session means the old process is gone.
    package var session: String
    package var actionTypes: [ActionTypeID]
    package var labels: [String: String]
    package var maxSlots: Int
    /// Jobs this process still holds, after a reconnect.
    package var running: [JobClaim]
    /// PollForJobs' `queryParam`: for a type listed here, only jobs whose configuration has these
    /// values (one of the listed maps) are offered. A type not listed takes all its jobs.
    package var queries: [ActionTypeQuery]?
    /// The most messages this worker takes in one BATCH; absent (or below 2), it takes none and
    /// every message comes alone.
    package var maxBatch: Int?

    package init(
        workerId: String, session: String, actionTypes: [ActionTypeID], labels: [String: String], maxSlots: Int,
        running: [JobClaim] = [], queries: [ActionTypeQuery]? = nil, maxBatch: Int? = nil
    ) {
        self.workerId = workerId
        self.session = session
        self.actionTypes = actionTypes
        self.labels = labels
        self.maxSlots = maxSlots
        self.running = running
        self.queries = queries
        self.maxBatch = maxBatch
    }
}

package struct ActionTypeQuery: Sendable, Hashable, Codable {
    package var actionTypeId: ActionTypeID
    package var queryParam: [String: String]

    package init(actionTypeId: ActionTypeID, queryParam: [String: String]) {
        self.actionTypeId = actionTypeId
        self.queryParam = queryParam
    }
}

/// WELCOME: the coordinator accepts a worker and sets the timers both sides use.
package struct Welcome: Sendable, Hashable, Codable {
    /// Random per coordinator start; a change tells a worker the coordinator restarted.
    package var epoch: String
    package var heartbeatIntervalMs: Int
    package var heartbeatLiveness: Int
    /// TCP port of the artifact socket, on the host the worker already reaches the coordinator at.
    package var artifactPort: Int
    package var chunkSize: Int
    package var credit: Int
    /// The most messages the coordinator takes in one BATCH; absent (or below 2), send each alone.
    package var maxBatch: Int?

    package init(epoch: String, heartbeatIntervalMs: Int, heartbeatLiveness: Int, artifactPort: Int, chunkSize: Int, credit: Int, maxBatch: Int? = nil) {
        self.epoch = epoch
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.heartbeatLiveness = heartbeatLiveness
        self.artifactPort = artifactPort
        self.chunkSize = chunkSize
        self.credit = credit
        self.maxBatch = maxBatch
    }
}

/// POLL: standing credit. `freeSlots` is absolute, and counts from the job with `lastJobSeq`, so a
/// duplicated or reordered POLL can never over-commit a worker.
package struct Poll: Sendable, Hashable, Codable {
    package var freeSlots: Int
    package var lastJobSeq: Int

    package init(freeSlots: Int, lastJobSeq: Int) {
        self.freeSlots = freeSlots
        self.lastJobSeq = lastJobSeq
    }
}

/// JOB: one dispatch of a job, under a fresh nonce.
package struct JobOffer: Sendable, Hashable, Codable {
    package var jobSeq: Int
    package var jobId: JobID
    package var nonce: String
    package var attempt: Int
    package var data: JobData

    package init(jobSeq: Int, jobId: JobID, nonce: String, attempt: Int, data: JobData) {
        self.jobSeq = jobSeq
        self.jobId = jobId
        self.nonce = nonce
        self.attempt = attempt
        self.data = data
    }

    package var claim: JobClaim { JobClaim(jobId: jobId, nonce: nonce) }
}

/// ACKED: the answer to ACK. A deploy or invoke job starts only on `InProgress`; a job safe to
/// repeat starts before it and stops on anything else.
package struct Acked: Sendable, Hashable, Codable {
    package enum Status: String, Sendable, Hashable, Codable {
        case inProgress = "InProgress"
        case invalidNonce = "InvalidNonce"
        case jobNotFound = "JobNotFound"
    }

    package var jobId: JobID
    package var nonce: String
    package var status: Status

    package init(jobId: JobID, nonce: String, status: Status) {
        self.jobId = jobId
        self.nonce = nonce
        self.status = status
    }
}

/// SUCCESS: PutJobSuccessResult. Retransmitted until RESULT_ACK; `resultId` names this result.
package struct JobSucceeded: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var resultId: String
    package var outputs: ActionOutputs
    /// Not finished yet: run the action again as a new job carrying this token
    /// (CodePipeline's `continuationToken`). Outputs are taken only from the final result.
    package var continuationToken: String?
    /// A POLL riding on the result: the worker's credit with this job's slot given back.
    package var poll: Poll?

    package init(jobId: JobID, nonce: String, resultId: String, outputs: ActionOutputs, continuationToken: String? = nil, poll: Poll? = nil) {
        self.jobId = jobId
        self.nonce = nonce
        self.resultId = resultId
        self.outputs = outputs
        self.continuationToken = continuationToken
        self.poll = poll
    }
}

/// FAILURE: PutJobFailureResult.
package struct JobFailed: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var resultId: String
    package var failure: FailureDetails
    /// A POLL riding on the result, as on SUCCESS.
    package var poll: Poll?

    package init(jobId: JobID, nonce: String, resultId: String, failure: FailureDetails, poll: Poll? = nil) {
        self.jobId = jobId
        self.nonce = nonce
        self.resultId = resultId
        self.failure = failure
        self.poll = poll
    }
}

/// RESULT_ACK: the coordinator has durably recorded (or refused) a result.
package struct ResultAck: Sendable, Hashable, Codable {
    package enum Outcome: String, Sendable, Hashable, Codable {
        case accepted
        case duplicate
        case stale
        case missingArtifacts
    }

    package var jobId: JobID
    package var nonce: String
    package var resultId: String
    package var outcome: Outcome
    package var missing: [String]?

    package init(jobId: JobID, nonce: String, resultId: String, outcome: Outcome, missing: [String]? = nil) {
        self.jobId = jobId
        self.nonce = nonce
        self.resultId = resultId
        self.outcome = outcome
        self.missing = missing
    }
}

/// HEARTBEAT from a worker: it is alive, and these are the jobs it holds.
package struct WorkerHeartbeat: Sendable, Hashable, Codable {
    package var running: [JobClaim]
    package var freeSlots: Int

    package init(running: [JobClaim], freeSlots: Int) {
        self.running = running
        self.freeSlots = freeSlots
    }
}

/// HEARTBEAT from the coordinator.
package struct CoordinatorHeartbeat: Sendable, Hashable, Codable {
    package var epoch: String
    package init(epoch: String) { self.epoch = epoch }
}

/// DISCONNECT, either way: stop talking on this connection. A worker that receives it opens a new
/// socket and says HELLO again.
package struct Disconnect: Sendable, Hashable, Codable {
    package var reason: String
    package init(reason: String) { self.reason = reason }
}

/// LOG: live output of a running job; the payload frame holds the bytes.
package struct LogChunk: Sendable, Hashable, Codable {
    package var jobId: JobID
    package var nonce: String
    package var stream: String
    package var offset: Int64

    package init(jobId: JobID, nonce: String, stream: String, offset: Int64) {
        self.jobId = jobId
        self.nonce = nonce
        self.stream = stream
        self.offset = offset
    }
}
