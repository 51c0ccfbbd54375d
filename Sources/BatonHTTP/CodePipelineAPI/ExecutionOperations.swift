import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension CodePipelineAPI {
    func startPipelineExecution(_ input: StartPipelineExecutionInput) async throws -> StartPipelineExecutionOutput {
        var overrides: [String: String] = [:]
        for variable in input.variables ?? [] {
            guard overrides.updateValue(variable.value, forKey: variable.name) == nil else {
                throw APIError.validation("Variable \(variable.name) is given more than once")
            }
        }
        let id = try await engine.startExecution(of: input.name, trigger: .startPipelineExecution, variables: overrides)
        return StartPipelineExecutionOutput(pipelineExecutionId: id.rawValue)
    }

    func getPipelineExecution(_ input: GetPipelineExecutionInput) async throws -> GetPipelineExecutionOutput {
        let record = try await engine.pipeline(named: input.pipelineName)
        let execution = try await engine.execution(ExecutionID(rawValue: input.pipelineExecutionId), of: input.pipelineName)
        return GetPipelineExecutionOutput(
            pipelineExecution: PipelineExecutionShape(execution, mode: record.declaration.executionMode ?? .superseded))
    }

    func listPipelineExecutions(_ input: ListPipelineExecutionsInput) async throws -> ListPipelineExecutionsOutput {
        let page = try Page(input.nextToken, maxResults: input.maxResults, limit: 100)
        let record = try await engine.pipeline(named: input.pipelineName)
        let (items, next) = page.slice(try await engine.executions(of: input.pipelineName))
        let mode = record.declaration.executionMode ?? .superseded
        return ListPipelineExecutionsOutput(
            pipelineExecutionSummaries: items.map { PipelineExecutionSummary($0, mode: mode) }, nextToken: next)
    }

    /// Each stage shows the newest execution that has entered it, with that execution's actions.
    func getPipelineState(_ input: GetPipelineStateInput) async throws -> GetPipelineStateOutput {
        let record = try await engine.pipeline(named: input.name)
        let executions = try await engine.executions(of: input.name)
        let stageStates = record.declaration.stages.map { stage -> StageState in
            let latest = executions.lazy.compactMap { execution -> (PipelineExecution, StageExecution, StageExecutionStatus)? in
                guard let stageExecution = execution.stages.first(where: { $0.name == stage.name }),
                      let status = stageExecution.status else { return nil }
                return (execution, stageExecution, status)
            }.first
            let actionStates = stage.actions.map { action -> ActionState in
                let executed = latest?.1.actions.first { $0.name == action.name }
                let state = executed.flatMap { action in action.status.map { ActionExecutionState(action, status: $0) } }
                return ActionState(actionName: action.name, latestExecution: state)
            }
            return StageState(
                stageName: stage.name,
                actionStates: actionStates,
                latestExecution: latest.map { StageExecutionShape(pipelineExecutionId: $0.0.id.rawValue, status: $0.2) })
        }
        return GetPipelineStateOutput(
            pipelineName: record.name, pipelineVersion: record.version, stageStates: stageStates,
            created: record.created, updated: record.updated)
    }
}
