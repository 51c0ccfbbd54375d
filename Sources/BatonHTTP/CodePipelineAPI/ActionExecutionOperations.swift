import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension CodePipelineAPI {
    /// Every action execution the store holds for the pipeline (the latest run of each action in
    /// each execution): executions newest first, and each one's actions newest first;
    /// `filter.pipelineExecutionId` narrows to one execution. Pages by position, like
    /// ListPipelineExecutions: the token names the execution a page ended in and how many of its
    /// actions it had shown, so a page reads only the executions it shows.
    func listActionExecutions(_ input: ListActionExecutionsInput) async throws -> ListActionExecutionsOutput {
        if let maxResults = input.maxResults, !(1...100).contains(maxResults) {
            throw APIError.validation("1 validation error detected: Value '\(maxResults)' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100")
        }
        let size = input.maxResults ?? 100
        var position = try ActionExecutionPosition(token: input.nextToken)
        _ = try await engine.pipeline(named: input.pipelineName)
        var declarations: [Int: PipelineDeclaration] = [:]
        func details(of execution: PipelineExecution) async -> [ActionExecutionDetail] {
            if declarations[execution.pipelineVersion] == nil {
                declarations[execution.pipelineVersion] = try? await engine.pipeline(named: input.pipelineName, version: execution.pipelineVersion).declaration
            }
            let declaration = declarations[execution.pipelineVersion]
            var details: [ActionExecutionDetail] = []
            for stage in execution.stages {
                let stageDeclaration = declaration?.stages.first { $0.name == stage.name }
                for action in stage.actions {
                    guard let status = action.status else { continue }
                    details.append(ActionExecutionDetail(
                        execution: execution, stage: stage, action: action, status: status,
                        declaration: stageDeclaration?.actions.first { $0.name == action.name }))
                }
            }
            return details.sorted { ($0.startTime?.secondsSince1970 ?? 0) > ($1.startTime?.secondsSince1970 ?? 0) }
        }

        if let id = input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId {
            let all = await details(of: try await engine.execution(ExecutionID(rawValue: id), of: input.pipelineName))
            let shown = all.dropFirst(position.shown).prefix(size)
            let next = position.shown + shown.count < all.count ? ActionExecutionPosition(after: nil, shown: position.shown + shown.count).token : nil
            return ListActionExecutionsOutput(actionExecutionDetails: Array(shown), nextToken: next)
        }
        var items: [ActionExecutionDetail] = []
        let batchSize = 20
        while true {
            let batch = try await engine.executions(of: input.pipelineName, after: position.after, limit: batchSize)
            for (execution, cursor) in batch {
                let remaining = await details(of: execution).dropFirst(position.shown)
                let room = size - items.count
                guard remaining.count <= room else {
                    items += remaining.prefix(room)
                    let next = ActionExecutionPosition(after: position.after, shown: position.shown + room)
                    return ListActionExecutionsOutput(actionExecutionDetails: items, nextToken: next.token)
                }
                items += remaining
                position = ActionExecutionPosition(after: cursor, shown: 0)
            }
            guard batch.count == batchSize else { break }
        }
        return ListActionExecutionsOutput(actionExecutionDetails: items, nextToken: nil)
    }
}

/// Where a page of action executions ended: after the execution at `after` (nil: from the
/// newest), having shown `shown` action executions of the next one.
struct ActionExecutionPosition {
    var after: ExecutionCursor?
    var shown: Int

    init(after: ExecutionCursor?, shown: Int) {
        self.after = after
        self.shown = shown
    }

    init(token: String?) throws {
        guard let token else {
            self.init(after: nil, shown: 0)
            return
        }
        // a.<shown>.<cursor>, the cursor empty for the newest execution.
        let parts = token.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "a", let shown = Int(parts[1]), shown >= 0 else {
            throw APIError(type: "InvalidNextTokenException", message: "The next token '\(token)' is not valid")
        }
        var after: ExecutionCursor?
        if !parts[2].isEmpty {
            guard let cursor = ExecutionCursor(token: String(parts[2])) else {
                throw APIError(type: "InvalidNextTokenException", message: "The next token '\(token)' is not valid")
            }
            after = cursor
        }
        self.init(after: after, shown: shown)
    }

    var token: String { "a.\(shown).\(after?.token ?? "")" }
}
