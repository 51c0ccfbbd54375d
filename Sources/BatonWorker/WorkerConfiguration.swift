import BatonProtocol
import Foundation
import ZeroMQ

package struct WorkerConfiguration: Sendable {
    /// The coordinator's worker endpoint, e.g. `tcp://127.0.0.1:7600`.
    package var coordinatorEndpoint: String
    package var workDirectory: URL
    package var workerID: String
    package var labels: [String: String]
    package var maxConcurrentJobs: Int
    /// How long to wait for WELCOME, ACKED and RESULT_ACK before trying again.
    package var replyTimeout: Duration = .seconds(10)
    /// How long an artifact transfer cut by a lost connection waits for the worker to reconnect
    /// before it fails; it resumes where it stopped when the connection is back in time.
    package var transferResumeWindow: Duration = .seconds(60)
    /// Output artifacts this large or larger are hashed on a thread of their own while they are
    /// sent, their digest given in PUT_END; smaller ones are hashed first, so that the
    /// coordinator can skip an upload of bytes it already holds.
    package var hashWhileSendingFrom: Int64 = 8 << 20
    /// PollForJobs' `queryParam`, per action type: only matching jobs are offered.
    package var queries: [ActionTypeQuery] = []
    /// CURVE: this worker's key pair and the coordinator's public key.
    package var curve: (keys: CurveKeyPair, coordinatorKey: String)?

    package init(coordinatorEndpoint: String, workDirectory: URL, workerID: String, labels: [String: String] = [:], maxConcurrentJobs: Int = 1) {
        self.coordinatorEndpoint = coordinatorEndpoint
        self.workDirectory = workDirectory
        self.workerID = workerID
        self.labels = labels
        self.maxConcurrentJobs = maxConcurrentJobs
    }

    /// The artifact endpoint: the coordinator's host with the port WELCOME announced.
    func artifactEndpoint(port: Int) -> String {
        guard let colon = coordinatorEndpoint.lastIndex(of: ":") else { return coordinatorEndpoint }
        return "\(coordinatorEndpoint[..<colon]):\(port)"
    }
}
