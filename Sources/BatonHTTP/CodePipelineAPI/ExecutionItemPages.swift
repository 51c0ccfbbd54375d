import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

/// Where a page of items drawn from a pipeline's executions (the executions themselves, action
/// executions, rule executions) ended: after the execution at `after` (nil: from the newest one), having shown
/// `shown` items of the next. As a token: `<kind>.<shown>.<cursor>`, the cursor empty for the
/// newest execution.
struct ExecutionItemPosition {
    var after: ExecutionCursor?
    var shown: Int

    init(after: ExecutionCursor?, shown: Int) {
        self.after = after
        self.shown = shown
    }

    init(token: String?, kind: String) throws {
        guard let token else {
            self.init(after: nil, shown: 0)
            return
        }
        let invalid = APIError(type: "InvalidNextTokenException", message: "The next token '\(token)' is not valid")
        let parts = token.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == kind, let shown = Int(parts[1]), shown >= 0 else { throw invalid }
        var after: ExecutionCursor?
        if !parts[2].isEmpty {
            guard let cursor = ExecutionCursor(token: String(parts[2])) else { throw invalid }
            after = cursor
        }
        self.init(after: after, shown: shown)
    }

    func token(kind: String) -> String { "\(kind).\(shown).\(after?.token ?? "")" }
}

extension CodePipelineAPI {
    /// A page of the items `itemsOf` draws from each of a pipeline's executions: executions newest
    /// first (or only `executionID`), each one's items in the order given. Only the executions
    /// the page shows are read, and executions started while a client pages through neither
    /// repeat nor shift an item.
    func pageOfExecutionItems<Item>(
        pipeline: String, executionID: String?, token: String?, maxResults: Int?, kind: String,
        itemsOf: (PipelineExecution) async -> [Item]
    ) async throws -> (items: [Item], nextToken: String?) {
        let size = try Page.size(maxResults: maxResults, limit: 100)
        var position = try ExecutionItemPosition(token: token, kind: kind)
        _ = try await engine.pipeline(named: pipeline)

        if let executionID {
            let all = await itemsOf(try await engine.execution(ExecutionID(rawValue: executionID), of: pipeline))
            let shown = Array(all.dropFirst(position.shown).prefix(size))
            let end = position.shown + shown.count
            return (shown, end < all.count ? ExecutionItemPosition(after: nil, shown: end).token(kind: kind) : nil)
        }
        var items: [Item] = []
        let batchSize = 20
        while true {
            let batch = try await engine.executions(of: pipeline, after: position.after, limit: batchSize)
            for (execution, cursor) in batch {
                let remaining = await itemsOf(execution).dropFirst(position.shown)
                let room = size - items.count
                guard remaining.count <= room else {
                    items += remaining.prefix(room)
                    return (items, ExecutionItemPosition(after: position.after, shown: position.shown + room).token(kind: kind))
                }
                items += remaining
                position = ExecutionItemPosition(after: cursor, shown: 0)
            }
            guard batch.count == batchSize else { return (items, nil) }
        }
    }
}
