import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Thread {
    /// Starts a thread running `body` under `name` as the OS shows it (`top -H`, perf, /proc):
    /// Foundation's `Thread.name`, set before a thread starts, does not reach the kernel on Linux,
    /// which keeps the first 15 bytes.
    @discardableResult
    package static func startNamed(_ name: String, _ body: @escaping @Sendable () -> Void) -> Thread {
        let thread = Thread {
            nameCurrent(name)
            body()
        }
        thread.start()
        return thread
    }

    /// pthread_setname_np is a GNU extension Swift's Glibc does not import; this is what it does.
    private static func nameCurrent(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
