import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Thread {
    /// Names the calling thread as the OS shows it (`top -H`, perf, /proc): Foundation's
    /// `Thread.name`, set before a thread starts, does not reach the kernel on Linux. Linux keeps
    /// the first 15 bytes.
    package static func nameCurrent(_ name: String) {
        // pthread_setname_np is a GNU extension Swift's Glibc does not import; this is what it does.
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
