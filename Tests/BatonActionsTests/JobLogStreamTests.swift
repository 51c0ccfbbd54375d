@testable import BatonWorker
import Foundation
import Synchronization
import Testing

/// A job's log file and directories are made on first use, so a job that needs no files costs no
/// file system work, and a job that logs keeps every byte at its offset.
struct JobLogStreamTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-log-\(UUID().uuidString.prefix(8))")

    @Test func aJobThatLogsNothingLeavesNoFile() {
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("job/log.txt")
        let log = JobLogStream(file: file) { _, _ in Issue.record("nothing was logged, so nothing is forwarded") }
        log.append([])
        log.close()
        #expect(!FileManager.default.fileExists(atPath: root.path))
        #expect(log.fileProblem == nil)
    }

    @Test func loggedBytesAreKeptAndForwardedWithTheirOffsets() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("job/log.txt")
        let forwarded = Mutex<[(Int64, String)]>([])
        let log = JobLogStream(file: file) { offset, bytes in
            forwarded.withLock { $0.append((offset, String(decoding: bytes, as: UTF8.self))) }
        }
        log.append(Array("first\n".utf8))
        log.append(Array("second\n".utf8))
        log.close()
        #expect(try String(contentsOf: file, encoding: .utf8) == "first\nsecond\n")
        #expect(forwarded.withLock { $0.map(\.0) } == [0, 6])
        #expect(forwarded.withLock { $0.map(\.1) } == ["first\n", "second\n"])
    }

    @Test func aDirectoryIsMadeOnlyWhenAskedFor() {
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("job/src")
        let directory = LazyDirectory { url }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.created.path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test func aLogThatCannotBeWrittenSaysWhy() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        // A plain file where the job directory should be: the log cannot be created under it.
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: root.appendingPathComponent("job").path, contents: Data())
        let log = JobLogStream(file: root.appendingPathComponent("job/log.txt")) { _, _ in }
        log.append(Array("lost\n".utf8))
        log.close()
        #expect(log.fileProblem?.contains(root.appendingPathComponent("job/log.txt").path) == true)
    }
}
