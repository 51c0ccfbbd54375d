import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension CodePipelineAPI {
    func createPipeline(_ input: CreatePipelineInput) async throws -> CreatePipelineOutput {
        let record = try await engine.createPipeline(input.pipeline)
        return CreatePipelineOutput(pipeline: record.declaration.maskingSecrets(actionTypes: await engine.actionTypes), tags: input.tags)
    }

    func updatePipeline(_ input: UpdatePipelineInput) async throws -> UpdatePipelineOutput {
        let record = try await engine.updatePipeline(input.pipeline)
        return UpdatePipelineOutput(pipeline: record.declaration.maskingSecrets(actionTypes: await engine.actionTypes))
    }

    func getPipeline(_ input: GetPipelineInput) async throws -> GetPipelineOutput {
        let record = try await engine.pipeline(named: input.name, version: input.version)
        return GetPipelineOutput(
            pipeline: record.declaration.maskingSecrets(actionTypes: await engine.actionTypes),
            metadata: PipelineMetadata(pipelineArn: pipelineArn(record.name), created: record.created, updated: record.updated))
    }

    func listPipelines(_ input: ListPipelinesInput) async throws -> ListPipelinesOutput {
        let page = try Page(input.nextToken, maxResults: input.maxResults, limit: 1000)
        let all = await engine.allPipelines()
        let (items, next) = page.slice(all)
        return ListPipelinesOutput(
            pipelines: items.map {
                PipelineSummary(
                    name: $0.name, version: $0.version, pipelineType: $0.declaration.pipelineType,
                    executionMode: $0.declaration.executionMode ?? .superseded, created: $0.created, updated: $0.updated)
            },
            nextToken: next)
    }

    func deletePipeline(_ input: DeletePipelineInput) async throws -> EmptyOutput {
        try await engine.deletePipeline(named: input.name)
        try await tagStore?.removeAll(of: pipelineArn(input.name))
        return EmptyOutput()
    }
}

/// Offset-based paging behind an opaque `nextToken`.
struct Page {
    let offset: Int
    let size: Int

    init(_ token: String?, maxResults: Int?, limit: Int) throws {
        size = try Self.size(maxResults: maxResults, limit: limit)
        guard let token else {
            offset = 0
            return
        }
        guard token.hasPrefix("o."), let offset = Int(token.dropFirst(2)), offset >= 0 else {
            throw APIError(type: "InvalidNextTokenException", message: "The next token '\(token)' is not valid")
        }
        self.offset = offset
    }

    /// `maxResults` checked against `limit`, or `limit` when absent.
    static func size(maxResults: Int?, limit: Int) throws -> Int {
        if let maxResults, !(1...limit).contains(maxResults) {
            throw APIError.validation("1 validation error detected: Value '\(maxResults)' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and \(limit)")
        }
        return maxResults ?? limit
    }

    func slice<T>(_ items: [T]) -> ([T], String?) {
        let start = min(offset, items.count)
        let end = min(start + size, items.count)
        return (Array(items[start..<end]), end < items.count ? "o.\(end)" : nil)
    }
}
