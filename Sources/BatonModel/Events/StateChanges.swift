/// The state changes between two versions of one execution, in the order a reader expects them:
/// what starts, outermost first; what ends, innermost first.
package enum StateChanges {
    /// An event without its place in the stream.
    package struct Change: Sendable, Hashable {
        package var kind: PipelineEvent.Kind
        package var detail: PipelineEvent.Detail
    }

    package static func between(_ old: PipelineExecution?, _ new: PipelineExecution, declaration: PipelineDeclaration?) -> [Change] {
        var starting: [Change] = []
        var ending: [Change] = []
        func add(_ change: Change, ends: Bool) {
            if ends { ending.append(change) } else { starting.append(change) }
        }
        let base = PipelineEvent.Detail(pipeline: new.pipelineName, executionId: new.id.rawValue, state: "", version: new.pipelineVersion)

        if let state = pipelineState(from: old?.status, to: new.status) {
            var detail = base
            detail.state = state
            detail.executionTrigger = PipelineEvent.Trigger(triggerType: new.trigger.triggerType, triggerDetail: new.trigger.triggerDetail)
            add(Change(kind: .pipeline, detail: detail), ends: state != "STARTED" && state != "RESUMED")
        }
        for (index, stage) in new.stages.enumerated() {
            let before = old.flatMap { $0.stages.indices.contains(index) && $0.stages[index].name == stage.name ? $0.stages[index] : nil }
            if let state = stageState(from: before?.status, to: stage.status) {
                var detail = base
                detail.stage = stage.name
                // Entered and left within one step: a reader still sees it start.
                if before?.status == nil, state != "STARTED" {
                    detail.state = "STARTED"
                    add(Change(kind: .stage, detail: detail), ends: false)
                }
                detail.state = state
                add(Change(kind: .stage, detail: detail), ends: state != "STARTED" && state != "RESUMED")
            }
            // Fields are read in place, by index: a copy of an action execution retains every
            // string in it, and a step diffs every action of the execution.
            for actionIndex in stage.actions.indices {
                let name = stage.actions[actionIndex].name
                let previousIndex = before.flatMap { before in
                    before.actions.indices.contains(actionIndex) && before.actions[actionIndex].name == name
                        ? actionIndex : before.actions.firstIndex { $0.name == name }
                }
                let actionExecutionId = stage.actions[actionIndex].actionExecutionId
                let previousState = previousIndex.flatMap { index in
                    before?.actions[index].actionExecutionId == actionExecutionId ? before?.actions[index].status : nil
                }
                guard let state = actionState(from: previousState, to: stage.actions[actionIndex].status) else { continue }
                let action = stage.actions[actionIndex]
                var detail = base
                detail.stage = stage.name
                detail.action = action.name
                detail.actionExecutionId = action.actionExecutionId?.rawValue
                detail.state = state
                if let type = declaration?.stages.first(where: { $0.name == stage.name })?.actions.first(where: { $0.name == action.name })?.actionTypeId {
                    detail.type = PipelineEvent.ActionType(owner: type.owner, category: type.category, provider: type.provider, version: type.version)
                }
                if previousState == nil, state != "STARTED" {
                    detail.state = "STARTED"
                    add(Change(kind: .action, detail: detail), ends: false)
                    detail.state = state
                }
                if state != "STARTED" {
                    detail.executionResult = PipelineEvent.ExecutionResult(
                        externalExecutionSummary: action.summary ?? action.errorDetails?.message,
                        externalExecutionId: action.externalExecutionId,
                        errorCode: action.errorDetails?.type.rawValue)
                }
                add(Change(kind: .action, detail: detail), ends: state != "STARTED")
            }
        }
        return starting + ending.reversed()
    }

    static func pipelineState(from old: PipelineExecutionStatus?, to new: PipelineExecutionStatus) -> String? {
        guard old != new else { return nil }
        switch new {
        case .inProgress: return old == nil ? "STARTED" : "RESUMED"
        case .stopping: return "STOPPING"
        case .stopped: return "STOPPED"
        case .succeeded: return "SUCCEEDED"
        case .failed: return "FAILED"
        case .superseded: return "SUPERSEDED"
        case .cancelled: return "CANCELED"
        }
    }

    static func stageState(from old: StageExecutionStatus?, to new: StageExecutionStatus?) -> String? {
        guard let new, old != new else { return nil }
        switch new {
        case .inProgress: return old == nil || old == .skipped ? "STARTED" : "RESUMED"
        case .stopping: return "STOPPING"
        case .stopped: return "STOPPED"
        case .succeeded: return "SUCCEEDED"
        case .failed: return "FAILED"
        case .cancelled: return "CANCELED"
        case .skipped: return nil
        }
    }

    static func actionState(from old: ActionExecutionStatus?, to new: ActionExecutionStatus?) -> String? {
        guard let new, old != new else { return nil }
        switch new {
        case .inProgress: return "STARTED"
        case .succeeded: return "SUCCEEDED"
        case .failed: return "FAILED"
        case .abandoned: return "ABANDONED"
        }
    }
}
