import BatonModel
import BatonStore
import Testing
@testable import BatonCoordinator

/// The broker's queue: one line per pipeline, served round-robin, each line in order.
@Suite struct JobQueueTests {
    static func entry(_ pipeline: String, _ number: Int, type: ActionTypeID = .commands) -> JobQueue.Entry {
        let id = JobID(rawValue: "\(pipeline)-\(number)")
        let context = PipelineContext(
            pipelineName: pipeline, stageName: "Build", actionName: "A\(number)",
            actionExecutionID: ActionExecutionID(rawValue: "ae-\(pipeline)-\(number)"), executionID: ExecutionID(rawValue: "e-\(pipeline)"))
        let data = JobData(actionTypeId: type, configuration: [:], pipelineContext: context, inputArtifacts: [], outputArtifacts: [])
        let job = JobRecord(id: id, executionID: context.pipelineExecutionId, stageName: "Build", actionName: "A\(number)", status: .queued, attempt: 1, data: data)
        return JobQueue.Entry(job: job, attempt: 1)
    }

    @Test func linesAreServedRoundRobinInOrderUntilCapacityRunsOut() {
        var queue = JobQueue()
        for number in 1...3 { queue.append(Self.entry("busy", number)) }
        queue.append(Self.entry("quiet", 1))
        queue.prepend(Self.entry("busy", 0))
        #expect(queue.count == 5)

        var placed: [String] = []
        queue.drain(hasCapacity: { placed.count < 4 }, mayRun: { _ in true }) { entry in
            placed.append(entry.job.id.rawValue)
            return true
        }
        #expect(placed == ["busy-0", "quiet-1", "busy-1", "busy-2"], "a pipeline with one job is not starved by one with many")
        #expect(queue.count == 1 && queue.entries.map(\.job.id.rawValue) == ["busy-3"])

        // A job no worker can take now stays in place; the next one in its line is offered.
        queue.append(Self.entry("busy", 4))
        var second: [String] = []
        queue.drain(hasCapacity: { true }, mayRun: { _ in true }) { entry in
            guard entry.job.id.rawValue != "busy-3" else { return false }
            second.append(entry.job.id.rawValue)
            return true
        }
        #expect(second == ["busy-4"])
        #expect(queue.remove(JobID(rawValue: "busy-3"))?.job.id.rawValue == "busy-3")
        #expect(queue.remove(JobID(rawValue: "busy-3")) == nil)
        #expect(queue.isEmpty && queue.entries.isEmpty)
    }
    /// While the only workers with credit run other types, a drain passes over the lines whole:
    /// no job in them is offered (it was, every one of thousands, on every result).
    @Test func linesWithNoTypeAFreeWorkerRunsAreNotScanned() {
        let deploy = ActionTypeID(category: "Deploy", owner: "Custom", provider: "Ship", version: "1")
        var queue = JobQueue()
        for number in 1...50 { queue.append(Self.entry("builds", number)) }
        queue.append(Self.entry("mixed", 1))
        queue.append(Self.entry("mixed", 2, type: deploy))

        var offered: [String] = []
        queue.drain(hasCapacity: { true }, mayRun: { $0 == deploy }) { entry in
            offered.append(entry.job.id.rawValue)
            return entry.job.data.actionTypeId == deploy
        }
        #expect(offered == ["mixed-1", "mixed-2"], "only the line holding a deploy is looked at")
        #expect(queue.count == 51)

        // The deploy is gone from the counts: nothing is offered now, and a build still is once a
        // worker that runs builds has credit.
        offered = []
        queue.drain(hasCapacity: { true }, mayRun: { $0 == deploy }) { entry in
            offered.append(entry.job.id.rawValue)
            return false
        }
        #expect(offered.isEmpty)
        queue.drain(hasCapacity: { offered.count < 1 }, mayRun: { $0 == .commands }) { entry in
            offered.append(entry.job.id.rawValue)
            return true
        }
        #expect(offered == ["builds-1"])
        #expect(queue.remove(JobID(rawValue: "mixed-1")) != nil && queue.count == 49)
        offered = []
        queue.drain(hasCapacity: { true }, mayRun: { $0 == deploy }) { entry in
            offered.append(entry.job.id.rawValue)
            return false
        }
        #expect(offered.isEmpty, "counts follow removals too")
    }
}
