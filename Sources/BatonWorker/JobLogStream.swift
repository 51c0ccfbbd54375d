import Foundation
import Synchronization

/// A job's log: every byte appended to a file in the job directory, and handed with its offset
/// to `forward`, which streams it to the coordinator.
final class JobLogStream: Sendable {
    private struct State {
        var handle: FileHandle?
        var offset: Int64 = 0
    }

    private let state: Mutex<State>
    private let forward: @Sendable (Int64, [UInt8]) -> Void
    /// Larger writes are streamed in pieces of at most this size.
    static let maxChunk = 64 << 10

    init(file: URL, forward: @escaping @Sendable (Int64, [UInt8]) -> Void) throws {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        state = Mutex(State(handle: try FileHandle(forWritingTo: file)))
        self.forward = forward
    }

    func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        var pieces: [(Int64, [UInt8])] = []
        state.withLock { state in
            try? state.handle?.write(contentsOf: bytes)
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
