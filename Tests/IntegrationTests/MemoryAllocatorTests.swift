import BatonTesting
import Foundation
import Testing

/// `baton` links jemalloc, and its processes say which `malloc` they really use: a link order
/// that put libc's first would leave the library loaded and unused.
@Suite(.timeLimit(.minutes(1))) struct MemoryAllocatorTests {
    @Test func theCoordinatorAndAWorkerRunOnJemalloc() async throws {
        try await BatonCluster.with(workers: 1) { cluster in
            let malloc = cluster.readyLine.split(separator: " ").first { $0.hasPrefix("malloc=") }
            #expect(malloc?.hasPrefix("malloc=jemalloc-") == true, "ready line: \(cluster.readyLine)")

            let log = cluster.root.appendingPathComponent("worker-1.log")
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            var started: Substring?
            while started == nil, clock.now < deadline {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                started = text.split(separator: "\n").first { $0.contains("worker starting") }
                if started == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let line = try #require(started, "the worker logged no start line in 20 s")
            #expect(line.contains("malloc=jemalloc-"), "worker log: \(line)")
        }
    }
}
