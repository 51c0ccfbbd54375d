import BatonModel
import BatonStore

/// What a state-machine step asks the engine's shell to do, after the step's state is committed.
package enum EngineEffect: Sendable, Hashable {
    /// Queue this job for a worker.
    case dispatch(JobRecord)
    /// Withdraw this job: its action was abandoned or its execution cancelled.
    case cancelJob(JobID)
    /// Something now times out at this moment: the shell's timer loop must wake by then.
    case armTimer(Timestamp)
    /// Roll `stage` back to `target` (a failed stage whose onFailure result is ROLLBACK).
    case rollback(stage: String, target: ExecutionID)
    /// The execution reached a terminal status.
    case executionFinished(ExecutionID, PipelineExecutionStatus)
    /// A manual approval now waits for PutApprovalResult: whoever its NotificationArn names is told.
    case approvalPending(ApprovalRequest)
}

/// A manual approval waiting for a reviewer, as its notification describes it.
package struct ApprovalRequest: Sendable, Hashable {
    package var pipelineName: String
    package var stageName: String
    package var actionName: String
    package var executionID: ExecutionID
    package var token: String
    /// The action's configuration with variables resolved: CustomData, ExternalEntityLink, NotificationArn.
    package var configuration: [String: String]
    package var expires: Timestamp

    package init(pipelineName: String, stageName: String, actionName: String, executionID: ExecutionID, token: String, configuration: [String: String], expires: Timestamp) {
        self.pipelineName = pipelineName
        self.stageName = stageName
        self.actionName = actionName
        self.executionID = executionID
        self.token = token
        self.configuration = configuration
        self.expires = expires
    }
}
