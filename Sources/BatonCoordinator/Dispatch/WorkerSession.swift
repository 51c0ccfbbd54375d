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
    /// Most of this worker's results that may await recording before it gets no new job.
    let unrecordedResultLimit: Int
    /// Most messages to put in one BATCH to this worker; below 2, it takes none.
    let maxBatch: Int
    /// Per type, the configuration values a job must have (any one map); absent: every job.
    var queries: [ActionTypeID: [[String: String]]] = [:]
    var lastSeen: ContinuousClock.Instant
    /// Sequence number of the last JOB sent to this worker.
    var jobSeq = 0
    /// Free slots the worker reported, counted from JOB `pollSeq`.
    var polledFreeSlots = 0
    var pollSeq = 0
    /// Its results received and not yet recorded (no RESULT_ACK sent yet).
    var unrecordedResults = 0

    /// Jobs this worker can still take: what it last reported free, minus JOBs sent since, and
    /// none while too many of its results await recording: a coordinator that falls behind on
    /// its commits slows its workers down instead of piling their results up.
    var credit: Int {
        max(0, min(polledFreeSlots - (jobSeq - min(pollSeq, jobSeq)), unrecordedResultLimit - unrecordedResults))
    }

    /// POLL's or HEARTBEAT's free slots, counted from JOB `lastJobSeq`; never more than the
    /// worker's slots, whatever it says.
    mutating func report(freeSlots: Int, since lastJobSeq: Int) {
        polledFreeSlots = min(max(0, freeSlots), maxSlots)
        pollSeq = lastJobSeq
    }

    func canRun(_ type: ActionTypeID) -> Bool { actionTypes.contains(type) }

    /// The type, and the query the worker gave for it (PollForJobs' `queryParam`), if any.
    func canRun(_ data: JobData) -> Bool {
        guard canRun(data.actionTypeId) else { return false }
        guard let wanted = queries[data.actionTypeId] else { return true }
        let configuration = data.actionConfiguration.configuration
        return wanted.contains { query in query.allSatisfy { configuration[$0.key] == $0.value } }
    }

    /// Whether the worker carries every label the job requires, with the same value.
    func carries(_ required: [String: String]?) -> Bool {
        (required ?? [:]).allSatisfy { labels[$0.key] == $0.value }
    }
}

/// Why a queued job is not on a worker, as `baton workers` and the logs show it.
enum WaitingReason: Equatable, CustomStringConvertible {
    case noWorkerForType(ActionTypeID)
    case labelsUnmatched([String: String])
    case allBusy(Int)

    var description: String {
        switch self {
        case .noWorkerForType(let type): "no connected worker runs \(type)"
        case .labelsUnmatched(let labels):
            "no worker carries the labels \(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
        case .allBusy(let count): "all \(count) worker(s) that can run it are busy"
        }
    }
}
