@testable import BatonWorker
import Logging
import Synchronization
import Testing

/// A job's log lines carry its id and action, added as each line is logged on top of the worker
/// logger's own metadata, with what the line itself says taking precedence.
@Suite struct JobLogHandlerTests {
    private final class Lines: Sendable {
        let events = Mutex<[LogEvent]>([])
    }

    private struct Recording: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            var event = event
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
            lines.events.withLock { $0.append(event) }
        }
    }

    @Test func eachLineCarriesTheJobsMetadataAndTheLinesOwn() {
        let lines = Lines()
        var worker = Logger(label: "worker") { _ in Recording(lines: lines) }
        worker[metadataKey: "worker.id"] = "w-1"
        let job = JobLogHandler.logger(worker, job: ["job.id": "j-7", "action.name": "Build"])

        job.info("job started", metadata: ["job.attempt": "2", "action.name": "Override"])
        job.debug("below the worker's level")
        worker.info("not a job's line")

        let events = lines.events.withLock { $0 }
        #expect(events.count == 2)
        #expect(events.first?.metadata == ["worker.id": "w-1", "job.id": "j-7", "action.name": "Override", "job.attempt": "2"])
        #expect(events.last?.metadata == ["worker.id": "w-1"])
        #expect(job[metadataKey: "job.id"] == "j-7" && job[metadataKey: "worker.id"] == "w-1")
        #expect(job.logLevel == .info && job.label == "worker")
    }

    @Test func settingAKeyOnTheJobsLoggerReplacesTheJobsOwn() {
        let lines = Lines()
        var job = JobLogHandler.logger(Logger(label: "worker") { _ in Recording(lines: lines) }, job: ["job.id": "j-7"])
        job[metadataKey: "job.id"] = "j-8"
        job.info("renamed")
        #expect(lines.events.withLock { $0.first?.metadata?["job.id"] } == "j-8")
    }
}
