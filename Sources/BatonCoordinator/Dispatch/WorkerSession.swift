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

    /// Jobs this worker can still take: what it last reported free, minus JOBs sent since.
    var credit: Int { max(0, polledFreeSlots - (jobSeq - min(pollSeq, jobSeq))) }

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
