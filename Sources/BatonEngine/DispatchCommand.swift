import BatonModel
import BatonStore

/// What the engine asks of the job dispatcher.
package enum DispatchCommand: Sendable, Hashable {
    /// Hand this job to a worker.
    case run(JobRecord)
    /// Withdraw this job: whatever a worker reports for it is stale.
    case withdraw(JobID)
}
