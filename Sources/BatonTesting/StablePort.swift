#if canImport(Glibc)
import Glibc
#endif

/// Loopback TCP ports for a process that will be restarted on the same ports.
///
/// A wildcard port comes from the kernel's ephemeral range, the same range outgoing connections
/// take their local ports from: once the process that held it dies, another test's connection may
/// take it before the restart binds it again. Ports below that range (32768 and up on Linux) are
/// given out only to those who ask for them by number.
package enum StablePort {
    /// A port in 20000..<32768 that nothing on 127.0.0.1 holds now.
    package static func free() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_768)
            if isFree(port) { return port }
        }
        throw ClusterError("no free loopback port found below the ephemeral range")
    }

    private static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }
}
