@testable import BatonWorker
import BatonTesting
import Logging
import Testing

/// A job's log lines carry its id and action, added as each line is logged on top of the worker
/// logger's own metadata, with what the line itself says taking precedence.
@Suite struct JobLogHandlerTests {
    @Test func eachLineCarriesTheJobsMetadataAndTheLinesOwn() {
        let log = LogRecorder()
        var worker = Logger(label: "worker") { _ in log.handler(level: .info) }
        worker[metadataKey: "worker.id"] = "w-1"
        let job = JobLogHandler.logger(worker, job: ["job.id": "j-7", "action.name": "Build"])

        job.info("job started", metadata: ["job.attempt": "2", "action.name": "Override"])
        job.debug("below the worker's level")
        worker.info("not a job's line")

        let events = log.events
        #expect(events.count == 2)
        #expect(events.first?.metadata == ["worker.id": "w-1", "job.id": "j-7", "action.name": "Override", "job.attempt": "2"])
        #expect(events.last?.metadata == ["worker.id": "w-1"])
        #expect(job[metadataKey: "job.id"] == "j-7" && job[metadataKey: "worker.id"] == "w-1")
        #expect(job.logLevel == .info && job.label == "worker")
    }

    @Test func settingAKeyOnTheJobsLoggerReplacesTheJobsOwn() {
        let log = LogRecorder()
        var job = JobLogHandler.logger(Logger(label: "worker") { _ in log.handler(level: .info) }, job: ["job.id": "j-7"])
        job[metadataKey: "job.id"] = "j-8"
        job.info("renamed")
        #expect(log.events.first?.metadata?["job.id"] == "j-8")
    }
}
