import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension CodePipelineAPI {
    func getActionType(_ input: GetActionTypeInput) async throws -> GetActionTypeOutput {
        guard let type = await engine.actionTypes[input] else {
            throw APIError(type: "ActionTypeNotFoundException", message: "Action type \(input) does not exist")
        }
        return GetActionTypeOutput(actionType: ActionTypeDeclarationShape(type))
    }

    func listRuleTypes(_ input: ListRuleTypesInput) -> ListRuleTypesOutput {
        let all = RuleTypeShape.supported
        return ListRuleTypesOutput(ruleTypes: input.ruleOwnerFilter.map { owner in all.filter { $0.id.owner == owner } } ?? all)
    }

    /// The rules of every stage condition that ran, newest execution first. Paged by position
    /// (see `pageOfExecutionItems`).
    func listRuleExecutions(_ input: ListRuleExecutionsInput) async throws -> ListRuleExecutionsOutput {
        var declarations: [Int: PipelineDeclaration] = [:]
        let page = try await pageOfExecutionItems(
            pipeline: input.pipelineName, executionID: input.filter?.pipelineExecutionId,
            token: input.nextToken, maxResults: input.maxResults, kind: "r"
        ) { (execution: PipelineExecution) async -> [RuleExecutionDetail] in
            if declarations[execution.pipelineVersion] == nil {
                declarations[execution.pipelineVersion] = try? await engine.pipeline(named: input.pipelineName, version: execution.pipelineVersion).declaration
            }
            guard let declaration = declarations[execution.pipelineVersion] else { return [] }
            var details: [RuleExecutionDetail] = []
            for stage in execution.stages {
                guard let stageDeclaration = declaration.stages.first(where: { $0.name == stage.name }) else { continue }
                let hooks: [(String, [ConditionDeclaration])] = [
                    ("beforeEntry", stageDeclaration.beforeEntry?.conditions ?? []),
                    ("onSuccess", stageDeclaration.onSuccess?.conditions ?? []),
                    ("onFailure", stageDeclaration.onFailure?.conditions ?? []),
                ]
                for (hook, conditions) in hooks {
                    guard let record = stage.conditions?[hook] else { continue }
                    for rule in conditions.flatMap(\.rules) {
                        details.append(RuleExecutionDetail(
                            execution: execution, stage: stage.name, condition: hook, rule: rule, record: record, job: stage.ruleJobs?["\(hook)/\(rule.name)"]))
                    }
                }
            }
            return details
        }
        return ListRuleExecutionsOutput(ruleExecutionDetails: page.items, nextToken: page.nextToken)
    }
}
