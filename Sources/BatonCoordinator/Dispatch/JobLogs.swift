import BatonModel
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Live job logs on the coordinator: LOG chunks written at their offsets into
/// `DATA/logs/<actionExecutionId>.log`, so a retransmitted or reordered chunk lands where it
/// belongs and `baton logs` can follow a file that only grows.
final class JobLogs: Sendable {
    let directory: URL
    private let logger: Logger
    private let open = Mutex<[ActionExecutionID: FileHandle]>([:])

    init(directory: URL, logger: Logger) throws {
        self.directory = directory
        self.logger = logger
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func file(for id: ActionExecutionID) -> URL {
        directory.appendingPathComponent("\(id.rawValue).log")
    }

    func write(_ payload: Frame, at offset: Int64, for id: ActionExecutionID) {
        guard offset >= 0 else { return }
        let url = file(for: id)
        open.withLock { handles in
            do {
                let handle: FileHandle
                if let existing = handles[id] {
                    handle = existing
                } else {
                    if !FileManager.default.fileExists(atPath: url.path) {
                        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
                    }
                    handle = try FileHandle(forWritingTo: url)
                    handles[id] = handle
                }
                try handle.seek(toOffset: UInt64(offset))
                try payload.withUnsafeBytes { bytes in try handle.write(contentsOf: bytes) }
            } catch {
                logger.warning("could not write a job log", metadata: ["log.file": "\(url.path)", "error.message": "\(error)"])
            }
        }
    }

    func finish(_ id: ActionExecutionID) {
        open.withLock { handles in
            try? handles.removeValue(forKey: id)?.close()
        }
    }
}
