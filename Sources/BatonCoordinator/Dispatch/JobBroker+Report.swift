import BatonAPI
import BatonHTTP
import BatonModel
import BatonStore

/// What `baton workers` and `/metrics` show of the broker.
extension JobBroker: WorkerDirectory {
    struct Statistics {
        var queued: Int
        var dispatched: Int
        var workers: Int
        var slots: Int
    }

    func statistics() -> Statistics {
        Statistics(queued: queue.count, dispatched: dispatched.count, workers: workers.count, slots: workers.values.reduce(0) { $0 + $1.maxSlots })
    }

    func report() async -> ListWorkersOutput {
        let now = clock.now
        var running: [[UInt8]: Int] = [:]
        for dispatch in dispatched.values { running[dispatch.workerKey, default: 0] += 1 }
        let connected = workers.map { key, worker in
            ConnectedWorker(
                workerId: worker.workerID, actionTypes: worker.actionTypes.sorted { $0.description < $1.description }, labels: worker.labels,
                maxSlots: worker.maxSlots, freeSlots: worker.credit, running: running[key] ?? 0,
                lastHeardSecondsAgo: Double((now - worker.lastSeen) / .milliseconds(1)) / 1000)
        }.sorted { $0.workerId < $1.workerId }
        let waiting = queue.entries.map { entry in
            let data = entry.job.data
            return WaitingJob(
                jobId: entry.job.id.rawValue, pipelineName: data.pipelineContext.pipelineName,
                pipelineExecutionId: data.pipelineContext.pipelineExecutionId.rawValue, stageName: entry.job.stageName,
                actionName: entry.job.actionName, actionTypeId: data.actionTypeId, reason: waitingReason(data).description)
        }
        return ListWorkersOutput(workers: connected, waiting: waiting, httpJobs: running[Self.httpWorkerKey] ?? 0)
    }
}
