import BatonModel
import Foundation
import Logging

/// A kind of action a worker can run. Implement this and hand it to `Worker` to run your own
/// action types; the worker does the protocol, artifacts, retries and reporting.
package protocol ActionProvider: Sendable {
    /// The action types this provider runs; the worker advertises them in HELLO.
    var actionTypes: [ActionTypeID] { get }
    /// Runs one job. Return `.failed` for an action that ran and failed; throw only when the job
    /// could not be run at all (the worker then reports a JobFailed failure with the error's text).
    func run(_ job: JobContext) async throws -> ActionResult
}

/// Everything a provider needs to run one job.
package struct JobContext: Sendable {
    package let jobID: JobID
    package let data: JobData
    private let work: LazyDirectory
    private let output: LazyDirectory
    /// Each input artifact, verified, as the zip file the coordinator stores, by artifact name.
    package let inputs: [String: URL]
    package let logger: Logger
    /// Appends bytes to the job's log, which the coordinator shows live.
    package let log: @Sendable ([UInt8]) -> Void
    /// Reports how far the job is (CodePipeline's ExecutionDetails); shown on the action.
    package let progress: @Sendable (JobProgressReport) -> Void

    /// A fresh, empty directory for this job, created when first asked for: a job that needs no
    /// files (an approval, a no-op, an invoke) costs no file system work.
    package var workDirectory: URL { work.created }
    /// Where providers put files they produce outside the work tree (output archives); created
    /// when first asked for.
    package var outputDirectory: URL { output.created }

    package init(
        jobID: JobID, data: JobData, workDirectory: @autoclosure @escaping @Sendable () -> URL, inputs: [String: URL],
        outputDirectory: @autoclosure @escaping @Sendable () -> URL, logger: Logger,
        log: @escaping @Sendable ([UInt8]) -> Void, progress: @escaping @Sendable (JobProgressReport) -> Void = { _ in }
    ) {
        self.jobID = jobID
        self.data = data
        work = LazyDirectory(workDirectory)
        output = LazyDirectory(outputDirectory)
        self.inputs = inputs
        self.logger = logger
        self.log = log
        self.progress = progress
    }

    /// Appends text to the job's log.
    package func log(_ text: String) {
        log(Array(text.utf8))
    }
}

package struct JobProgressReport: Sendable, Hashable {
    package var percentComplete: Int?
    package var summary: String?
    package var externalExecutionId: String?

    package init(percentComplete: Int? = nil, summary: String? = nil, externalExecutionId: String? = nil) {
        self.percentComplete = percentComplete
        self.summary = summary
        self.externalExecutionId = externalExecutionId
    }
}

package enum ActionResult: Sendable {
    case succeeded(ActionProducts)
    case failed(FailureDetails)
}

/// What a successful action produced: a file per output artifact, and output variables.
package struct ActionProducts: Sendable {
    package var artifacts: [String: URL]
    package var variables: [String: String]
    package var summary: String?
    /// Not done yet: the action runs again as a new job carrying this token, and the artifacts
    /// and variables of this run are not used (CodePipeline's continuation token).
    package var continuationToken: String?
    /// For a source action: the revision it took (a commit id), carried on its output artifacts
    /// to the actions that read them (`CODEBUILD_RESOLVED_SOURCE_VERSION`) and to the API.
    package var revision: String?

    package init(
        artifacts: [String: URL] = [:], variables: [String: String] = [:], summary: String? = nil, continuationToken: String? = nil,
        revision: String? = nil
    ) {
        self.artifacts = artifacts
        self.variables = variables
        self.summary = summary
        self.continuationToken = continuationToken
        self.revision = revision
    }
}
