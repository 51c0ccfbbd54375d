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
}
