import BatonModel
import BatonStore

/// What a state-machine step asks the engine's shell to do, after the step's state is committed.
package enum EngineEffect: Sendable, Hashable {
    /// Queue this job for a worker.
    case dispatch(JobRecord)
    /// The execution reached a terminal status.
    case executionFinished(ExecutionID, PipelineExecutionStatus)
}
