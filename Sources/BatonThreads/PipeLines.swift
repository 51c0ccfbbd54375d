import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Pipe {
    /// Reads the pipe on a thread of its own until every writer has closed it: each chunk read
    /// goes to `chunk`, each complete line (without its newline) to `line`, then `end` runs.
    ///
    /// A blocking read on a thread of its own, rather than FileHandle's `readabilityHandler`: that
    /// one is a dispatch source, and libdispatch's event loop crashed on a stale one (a bad pointer
    /// in `_dispatch_event_loop_drain`) when the pipe was closed with its source still armed, as
    /// a child killed and released at once leaves it. Here the pipe stays open until its reader
    /// has seen the end.
    package func readLines(
        threadName: String, chunk: @escaping @Sendable (Data) -> Void = { _ in },
        line: @escaping @Sendable (String) -> Void, end: @escaping @Sendable () -> Void
    ) {
        let pipe = self
        Thread.startNamed(threadName) {
            let descriptor = pipe.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var pending = Data()
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let data = Data(buffer[0..<count])
                chunk(data)
                pending.append(data)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    line(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            withExtendedLifetime(pipe) {}
            end()
        }
    }
}
