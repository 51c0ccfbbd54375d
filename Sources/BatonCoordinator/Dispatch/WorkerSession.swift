import BatonModel
import BatonProtocol
import ZeroMQ

/// What the broker knows about one connected worker.
struct WorkerSession {
    let routingID: Frame
    let workerID: String
    let session: String
    let actionTypes: Set<ActionTypeID>
    let labels: [String: String]
    let maxSlots: Int
    var lastSeen: ContinuousClock.Instant
    /// Sequence number of the last JOB sent to this worker.
    var jobSeq = 0
    /// Free slots the worker reported, counted from JOB `pollSeq`.
    var polledFreeSlots = 0
    var pollSeq = 0

    /// Jobs this worker can still take: what it last reported free, minus JOBs sent since.
    var credit: Int { max(0, polledFreeSlots - (jobSeq - min(pollSeq, jobSeq))) }

    func canRun(_ type: ActionTypeID) -> Bool { actionTypes.contains(type) }
}
