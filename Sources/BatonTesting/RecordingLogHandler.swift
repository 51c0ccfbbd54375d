import Logging
import Synchronization

/// What a test's logger logged: each event with the handler's metadata merged under the line's own.
package final class LogRecorder: Sendable {
    private let recorded = Mutex<[LogEvent]>([])

    package init() {}

    package var events: [LogEvent] { recorded.withLock { $0 } }
    package var messages: [String] { events.map { "\($0.message)" } }

    package func handler(level: Logger.Level) -> RecordingLogHandler {
        RecordingLogHandler(recorder: self, logLevel: level)
    }

    fileprivate func append(_ event: LogEvent) { recorded.withLock { $0.append(event) } }
}

package struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level

    init(recorder: LogRecorder, logLevel: Logger.Level) {
        self.recorder = recorder
        self.logLevel = logLevel
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var event = event
        event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        recorder.append(event)
    }
}
