import Foundation
import Synchronization

/// A job's log: every byte appended to a file in the job directory, and handed with its offset
/// to `forward`, which streams it to the coordinator. The file (and its directory) is made with
/// the first byte: a job that logs nothing leaves nothing behind.
final class JobLogStream: Sendable {
    private struct State {
        var handle: FileHandle?
        var offset: Int64 = 0
        var opened = false
        var problem: String?
    }

    private let state = Mutex(State())
    private let path: @Sendable () -> URL
    private let forward: @Sendable (Int64, [UInt8]) -> Void
    /// Larger writes are streamed in pieces of at most this size.
    static let maxChunk = 64 << 10

    /// `file` is built only when the first byte is logged.
    init(file: @autoclosure @escaping @Sendable () -> URL, forward: @escaping @Sendable (Int64, [UInt8]) -> Void) {
        path = file
        self.forward = forward
    }

    /// The log file; made with the first byte logged.
    var file: URL { path() }

    /// Bytes logged so far.
    var bytesWritten: Int64 { state.withLock { $0.offset } }

    private func open(_ state: inout State) {
        state.opened = true
        let file = path()
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        do {
            state.handle = try FileHandle(forWritingTo: file)
        } catch {
            state.problem = "cannot create \(file.path): \(error.localizedDescription)"
        }
    }

    /// Why the log file could not be written, if it could not.
    var fileProblem: String? { state.withLock { $0.problem } }

    func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        var pieces: [(Int64, [UInt8])] = []
        state.withLock { state in
            if !state.opened { open(&state) }
            do {
                try state.handle?.write(contentsOf: bytes)
            } catch {
                state.problem = state.problem ?? "cannot write \(file.path): \(error.localizedDescription)"
            }
            var start = 0
            while start < bytes.count {
                let end = min(start + Self.maxChunk, bytes.count)
                pieces.append((state.offset + Int64(start), Array(bytes[start..<end])))
                start = end
            }
            state.offset += Int64(bytes.count)
        }
        for (offset, piece) in pieces { forward(offset, piece) }
    }

    func close() {
        state.withLock { state in
            try? state.handle?.close()
            state.handle = nil
        }
    }
}
