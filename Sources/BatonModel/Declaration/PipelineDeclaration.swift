/// A pipeline as CodePipeline declares it: the `pipeline` member of CreatePipeline and GetPipeline.
/// Its Codable form is CodePipeline's JSON, key for key.
package struct PipelineDeclaration: Sendable, Hashable, Codable {
    package var name: String
    package var roleArn: String?
    package var artifactStore: JSONValue?
    package var artifactStores: [String: JSONValue]?
    package var stages: [StageDeclaration]
    package var version: Int?
    package var executionMode: ExecutionMode?
    package var pipelineType: String?
    package var variables: [PipelineVariableDeclaration]?
    package var triggers: [JSONValue]?

    package init(name: String, stages: [StageDeclaration], executionMode: ExecutionMode? = nil) {
        self.name = name
        self.stages = stages
        self.executionMode = executionMode
    }

    package func stage(named name: String) -> StageDeclaration? {
        stages.first { $0.name == name }
    }
}

package struct PipelineVariableDeclaration: Sendable, Hashable, Codable {
    package var name: String
    package var defaultValue: String?
    package var description: String?
}

package enum ExecutionMode: String, Sendable, Hashable, Codable {
    case superseded = "SUPERSEDED"
    case queued = "QUEUED"
    case parallel = "PARALLEL"
}
