import BatonModel

package struct Tag: Sendable, Hashable, Codable {
    package var key: String
    package var value: String

    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

package struct CreatePipelineInput: Sendable, Codable {
    package var pipeline: PipelineDeclaration
    package var tags: [Tag]?

    package init(pipeline: PipelineDeclaration, tags: [Tag]? = nil) {
        self.pipeline = pipeline
        self.tags = tags
    }
}

package struct CreatePipelineOutput: Sendable, Codable {
    package var pipeline: PipelineDeclaration
    package var tags: [Tag]?

    package init(pipeline: PipelineDeclaration, tags: [Tag]? = nil) {
        self.pipeline = pipeline
        self.tags = tags
    }
}

package struct UpdatePipelineInput: Sendable, Codable {
    package var pipeline: PipelineDeclaration
    package init(pipeline: PipelineDeclaration) { self.pipeline = pipeline }
}

package struct UpdatePipelineOutput: Sendable, Codable {
    package var pipeline: PipelineDeclaration
    package init(pipeline: PipelineDeclaration) { self.pipeline = pipeline }
}

package struct GetPipelineInput: Sendable, Codable {
    package var name: String
    package var version: Int?

    package init(name: String, version: Int? = nil) {
        self.name = name
        self.version = version
    }
}

package struct PipelineMetadata: Sendable, Codable {
    package var pipelineArn: String
    package var created: Timestamp
    package var updated: Timestamp

    package init(pipelineArn: String, created: Timestamp, updated: Timestamp) {
        self.pipelineArn = pipelineArn
        self.created = created
        self.updated = updated
    }
}

package struct GetPipelineOutput: Sendable, Codable {
    package var pipeline: PipelineDeclaration
    package var metadata: PipelineMetadata

    package init(pipeline: PipelineDeclaration, metadata: PipelineMetadata) {
        self.pipeline = pipeline
        self.metadata = metadata
    }
}

package struct ListPipelinesInput: Sendable, Codable {
    package var nextToken: String?
    package var maxResults: Int?

    package init(nextToken: String? = nil, maxResults: Int? = nil) {
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

package struct PipelineSummary: Sendable, Codable {
    package var name: String
    package var version: Int
    package var pipelineType: String?
    package var executionMode: ExecutionMode?
    package var created: Timestamp
    package var updated: Timestamp

    package init(name: String, version: Int, pipelineType: String?, executionMode: ExecutionMode?, created: Timestamp, updated: Timestamp) {
        self.name = name
        self.version = version
        self.pipelineType = pipelineType
        self.executionMode = executionMode
        self.created = created
        self.updated = updated
    }
}

package struct ListPipelinesOutput: Sendable, Codable {
    package var pipelines: [PipelineSummary]
    package var nextToken: String?

    package init(pipelines: [PipelineSummary], nextToken: String? = nil) {
        self.pipelines = pipelines
        self.nextToken = nextToken
    }
}

package struct DeletePipelineInput: Sendable, Codable {
    package var name: String
    package init(name: String) { self.name = name }
}

/// The output of operations that return nothing: `{}`.
package struct EmptyOutput: Sendable, Codable {
    package init() {}
}
