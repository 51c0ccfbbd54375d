import BatonModel
import Testing
import ZeroMQ
@testable import BatonCoordinator

/// A worker's credit: the free slots it reported, less the JOBs sent since, never more than its
/// slots, and none while too many of its results await recording.
@Suite struct WorkerSessionTests {
    static func session(slots: Int, unrecordedResultLimit: Int) -> WorkerSession {
        WorkerSession(
            routingID: Frame([1, 2, 3]), workerID: "w", session: "s", actionTypes: [.commands], labels: [:],
            maxSlots: slots, unrecordedResultLimit: unrecordedResultLimit, maxBatch: 0, lastSeen: ContinuousClock.now)
    }

    @Test func creditCountsFromTheReportAndTheJobsSentSince() {
        var worker = Self.session(slots: 4, unrecordedResultLimit: 16)
        worker.report(freeSlots: 4, since: 0)
        #expect(worker.credit == 4)
        worker.jobSeq = 3
        #expect(worker.credit == 1)
        // A report counted from JOB 2 has not seen JOB 3 yet.
        worker.report(freeSlots: 3, since: 2)
        #expect(worker.credit == 2)
    }

    @Test func aReportOfMoreSlotsThanTheWorkerHasGivesOnlyItsSlots() {
        var worker = Self.session(slots: 2, unrecordedResultLimit: 8)
        worker.report(freeSlots: 1_000_000, since: 0)
        #expect(worker.credit == 2)
        worker.report(freeSlots: -5, since: 0)
        #expect(worker.credit == 0)
    }

    @Test func resultsAwaitingRecordingHoldBackNewJobsPastTheLimit() {
        var worker = Self.session(slots: 4, unrecordedResultLimit: 16)
        worker.report(freeSlots: 4, since: 0)
        worker.unrecordedResults = 12
        #expect(worker.credit == 4)
        worker.unrecordedResults = 14
        #expect(worker.credit == 2)
        worker.unrecordedResults = 16
        #expect(worker.credit == 0)
        worker.unrecordedResults = 40
        #expect(worker.credit == 0)
    }
}
