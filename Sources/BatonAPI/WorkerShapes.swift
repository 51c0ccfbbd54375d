import BatonModel

/// `POST /baton/workers/list`: the workers connected to the coordinator and the jobs waiting for
/// one, with why each still waits.
package struct ListWorkersInput: Sendable, Codable {
    package static let path = "/baton/workers/list"
    package init() {}
}

package struct ConnectedWorker: Sendable, Codable {
    package var workerId: String
    package var actionTypes: [ActionTypeID]
    package var labels: [String: String]
    package var maxSlots: Int
    /// Slots the worker can still take jobs in (its last report, minus jobs sent since).
    package var freeSlots: Int
    /// Jobs it runs now.
    package var running: Int
    /// Seconds since anything was heard from it (heartbeats, polls, job traffic).
    package var lastHeardSecondsAgo: Double

    package init(workerId: String, actionTypes: [ActionTypeID], labels: [String: String], maxSlots: Int, freeSlots: Int, running: Int, lastHeardSecondsAgo: Double) {
        self.workerId = workerId
        self.actionTypes = actionTypes
        self.labels = labels
        self.maxSlots = maxSlots
        self.freeSlots = freeSlots
        self.running = running
        self.lastHeardSecondsAgo = lastHeardSecondsAgo
    }
}

package struct WaitingJob: Sendable, Codable {
    package var jobId: String
    package var pipelineName: String
    package var pipelineExecutionId: String
    package var stageName: String
    package var actionName: String
    package var actionTypeId: ActionTypeID
    package var reason: String

    package init(jobId: String, pipelineName: String, pipelineExecutionId: String, stageName: String, actionName: String, actionTypeId: ActionTypeID, reason: String) {
        self.jobId = jobId
        self.pipelineName = pipelineName
        self.pipelineExecutionId = pipelineExecutionId
        self.stageName = stageName
        self.actionName = actionName
        self.actionTypeId = actionTypeId
        self.reason = reason
    }
}

package struct ListWorkersOutput: Sendable, Codable {
    package var workers: [ConnectedWorker]
    package var waiting: [WaitingJob]
    /// Jobs handed to workers polling over HTTP (PollForJobs) and not finished.
    package var httpJobs: Int

    package init(workers: [ConnectedWorker], waiting: [WaitingJob], httpJobs: Int) {
        self.workers = workers
        self.waiting = waiting
        self.httpJobs = httpJobs
    }
}
