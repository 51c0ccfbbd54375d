import Foundation
import Logging
import Testing
@testable import BatonWorker

/// A worker refuses to start with more or fewer slots than the protocol allows, by name, before
/// it connects anywhere: the coordinator would refuse its HELLO.
@Suite(.timeLimit(.minutes(1))) struct WorkerSlotsTests {
    @Test(arguments: [0, 1_025])
    func slotsOutOfRangeAreRefusedAtStart(_ slots: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-slots-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = WorkerConfiguration(
            coordinatorEndpoint: "tcp://127.0.0.1:1", workDirectory: directory, workerID: "w", maxConcurrentJobs: slots)
        let worker = try Worker(configuration: configuration, providers: [], logger: Logger(label: "test"))
        await #expect {
            try await worker.run()
        } throws: { error in
            "\(error)" == "a worker runs 1...1024 jobs at once, not \(slots)"
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path), "it made its work directory before refusing")
    }
}
