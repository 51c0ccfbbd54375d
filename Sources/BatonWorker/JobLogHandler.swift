import Logging

/// The worker's log handler with a job's metadata (its id, its action) added to each line the job
/// logs, as the line is logged.
///
/// Setting the keys on the worker's logger instead (`logger[metadataKey:] = …`) made
/// `StreamLogHandler` render its whole metadata to text at every change: two renderings per job,
/// about 1 % of all CPU with no-op actions, for lines mostly never written.
struct JobLogHandler: LogHandler {
    private var base: any LogHandler
    private var job: Logger.Metadata

    init(base: any LogHandler, job: Logger.Metadata) {
        self.base = base
        self.job = job
    }

    /// `logger` with `job` added to every line it logs.
    static func logger(_ logger: Logger, job: Logger.Metadata) -> Logger {
        Logger(label: logger.label) { _ in JobLogHandler(base: logger.handler, job: job) }
    }

    var metadata: Logger.Metadata {
        get { base.metadata.merging(job) { _, job in job } }
        set {
            job = [:]
            base.metadata = newValue
        }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { job[key] ?? base[metadataKey: key] }
        set {
            job[key] = nil
            base[metadataKey: key] = newValue
        }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.metadata = job.merging(event.metadata ?? [:]) { _, explicit in explicit }
        base.log(event: event)
    }
}
