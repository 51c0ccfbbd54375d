import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension CodePipelineAPI {
    /// Every action execution the store holds for the pipeline (the latest run of each action in
    /// each execution), newest first; `filter.pipelineExecutionId` narrows to one execution.
    func listActionExecutions(_ input: ListActionExecutionsInput) async throws -> ListActionExecutionsOutput {
        let page = try Page(input.nextToken, maxResults: input.maxResults, limit: 100)
        _ = try await engine.pipeline(named: input.pipelineName)
        var executions: [PipelineExecution]
        if let id = input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId {
            executions = [try await engine.execution(ExecutionID(rawValue: id), of: input.pipelineName)]
        } else {
            executions = try await engine.executions(of: input.pipelineName)
        }
        var declarations: [Int: PipelineDeclaration] = [:]
        var details: [ActionExecutionDetail] = []
        for execution in executions {
            if declarations[execution.pipelineVersion] == nil {
                declarations[execution.pipelineVersion] = try? await engine.pipeline(named: input.pipelineName, version: execution.pipelineVersion).declaration
            }
            let declaration = declarations[execution.pipelineVersion]
            for stage in execution.stages {
                let stageDeclaration = declaration?.stages.first { $0.name == stage.name }
                for action in stage.actions {
                    guard let status = action.status else { continue }
                    details.append(ActionExecutionDetail(
                        execution: execution, stage: stage, action: action, status: status,
                        declaration: stageDeclaration?.actions.first { $0.name == action.name }))
                }
            }
        }
        details.sort { ($0.startTime?.secondsSince1970 ?? 0) > ($1.startTime?.secondsSince1970 ?? 0) }
        let (items, next) = page.slice(details)
        return ListActionExecutionsOutput(actionExecutionDetails: items, nextToken: next)
    }
}
