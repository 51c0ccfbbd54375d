import BatonTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The test harness sees a child's end even when Foundation cannot: a grandchild that inherits
/// the socket Foundation watches keeps it from ever hearing of the exit.
@Suite(.timeLimit(.minutes(1))) struct ChildProcessTests {
    @Test func anExitIsSeenWhileAGrandchildHoldsTheInheritedDescriptors() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-child-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        // The shell leaves a sleeper behind with every descriptor it had, then exits with 3.
        let child = try ChildProcess.launch(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "sleep 30 & echo \"sleeper $!\"; exit 3"], log: root.appendingPathComponent("child.log"))
        let line = try await child.waitForLine(prefix: "sleeper ", timeout: .seconds(10))
        let sleeper = try #require(Int32(line.dropFirst("sleeper ".count)))
        defer { kill(sleeper, SIGKILL) }

        #expect(try await child.waitForExit(timeout: .seconds(10)) == 3)
        #expect(!child.isRunning)
        #expect(kill(sleeper, 0) == 0, "the sleeper still runs, so the inherited descriptors are still open")

        // The same for a command run to completion, and for one run synchronously; either would
        // time out if it waited for Foundation.
        let result = try await runTool("/bin/sh", ["-c", "sleep 30 & echo \"sleeper $!\"; exit 4"], timeout: .seconds(10))
        let quick = try runQuickTool("/bin/sh", ["-c", "sleep 30 & echo \"sleeper $!\"; exit 5"], limit: .seconds(10))
        for output in [result.output, quick.output] {
            if let pid = Int32(output.dropFirst("sleeper ".count).trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
        }
        #expect(result.status == 4 && result.output.hasPrefix("sleeper "))
        #expect(quick.status == 5 && quick.output.hasPrefix("sleeper "))
    }
}
