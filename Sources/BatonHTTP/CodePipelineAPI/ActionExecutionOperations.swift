import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension CodePipelineAPI {
    /// Every action execution the store holds for the pipeline (each run of each action in each
    /// execution, runs a retry replaced included): executions newest first, and each one's
    /// actions newest first; `filter.pipelineExecutionId` narrows to one execution. Paged by
    /// position (see `pageOfExecutionItems`).
    func listActionExecutions(_ input: ListActionExecutionsInput) async throws -> ListActionExecutionsOutput {
        var declarations: [Int: PipelineDeclaration] = [:]
        let page = try await pageOfExecutionItems(
            pipeline: input.pipelineName, executionID: input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId,
            token: input.nextToken, maxResults: input.maxResults, kind: "a"
        ) { execution in
            if declarations[execution.pipelineVersion] == nil {
                declarations[execution.pipelineVersion] = try? await engine.pipeline(named: input.pipelineName, version: execution.pipelineVersion).declaration
            }
            let declaration = declarations[execution.pipelineVersion]
            var details: [ActionExecutionDetail] = []
            for stage in execution.stages {
                let stageDeclaration = declaration?.stages.first { $0.name == stage.name }
                for action in (stage.earlierRuns ?? []) + stage.actions {
                    guard let status = action.status else { continue }
                    details.append(ActionExecutionDetail(
                        execution: execution, stage: stage, action: action, status: status,
                        declaration: stageDeclaration?.actions.first { $0.name == action.name }))
                }
            }
            return details.sorted { ($0.startTime?.secondsSince1970 ?? 0) > ($1.startTime?.secondsSince1970 ?? 0) }
        }
        return ListActionExecutionsOutput(actionExecutionDetails: page.items, nextToken: page.nextToken)
    }
}
