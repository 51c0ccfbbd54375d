import BatonModel

/// ListActionExecutions, in CodePipeline's shapes. Artifact locations name the store's bucket
/// (`baton-artifacts`, key `sha256/<digest>`), which the coordinator serves over HTTP.
package struct ListActionExecutionsInput: Sendable, Codable {
    package struct Filter: Sendable, Codable {
        package struct LatestInPipelineExecution: Sendable, Codable {
            package var pipelineExecutionId: String
            package var startTimeRange: String
        }

        package var pipelineExecutionId: String?
        package var latestInPipelineExecution: LatestInPipelineExecution?

        package init(pipelineExecutionId: String? = nil) {
            self.pipelineExecutionId = pipelineExecutionId
        }
    }

    package var pipelineName: String
    package var filter: Filter?
    package var maxResults: Int?
    package var nextToken: String?

    package init(pipelineName: String, filter: Filter? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.pipelineName = pipelineName
        self.filter = filter
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

package struct S3Location: Sendable, Codable, Hashable {
    package var bucket: String
    package var key: String
}

package struct ArtifactDetail: Sendable, Codable, Hashable {
    package var name: String
    package var s3location: S3Location

    package init(_ reference: ArtifactReference) {
        name = reference.name
        s3location = S3Location(bucket: JobArtifact.storeBucket, key: "sha256/\(reference.digest.hex)")
    }

    /// The store digest the location names, for `baton artifacts get`.
    package var digestHex: String? {
        s3location.key.hasPrefix("sha256/") ? String(s3location.key.dropFirst("sha256/".count)) : nil
    }
}

package struct ActionExecutionInput: Sendable, Codable {
    package var actionTypeId: ActionTypeID
    package var configuration: [String: String]?
    package var roleArn: String?
    package var region: String?
    package var inputArtifacts: [ArtifactDetail]
    package var namespace: String?
}

package struct ActionExecutionResult: Sendable, Codable {
    package var externalExecutionId: String?
    package var externalExecutionSummary: String?
    package var errorDetails: ErrorDetails?
}

package struct ActionExecutionOutput: Sendable, Codable {
    package var outputArtifacts: [ArtifactDetail]
    package var executionResult: ActionExecutionResult?
    package var outputVariables: [String: String]?
}

package struct ActionExecutionDetail: Sendable, Codable {
    package var pipelineExecutionId: String
    package var actionExecutionId: String?
    package var pipelineVersion: Int
    package var stageName: String
    package var actionName: String
    package var startTime: Timestamp?
    package var lastUpdateTime: Timestamp?
    package var updatedBy: String?
    package var status: ActionExecutionStatus
    package var input: ActionExecutionInput
    package var output: ActionExecutionOutput

    package init(execution: PipelineExecution, stage: StageExecution, action: ActionExecution, status: ActionExecutionStatus, declaration: ActionDeclaration?) {
        pipelineExecutionId = execution.id.rawValue
        actionExecutionId = action.actionExecutionId?.rawValue
        pipelineVersion = execution.pipelineVersion
        stageName = stage.name
        actionName = action.name
        startTime = action.startTime
        lastUpdateTime = action.lastUpdateTime
        updatedBy = action.lastUpdatedBy
        self.status = status
        input = ActionExecutionInput(
            actionTypeId: declaration?.actionTypeId ?? ActionTypeID(category: "", owner: "", provider: "", version: ""),
            configuration: declaration?.configuration, roleArn: declaration?.roleArn, region: declaration?.region,
            inputArtifacts: (declaration?.inputArtifacts ?? []).compactMap { execution.artifacts[$0.name].map(ArtifactDetail.init) },
            namespace: declaration?.namespace)
        let failure = action.errorDetails.map { ErrorDetails(code: $0.type.rawValue, message: $0.message) }
        output = ActionExecutionOutput(
            outputArtifacts: action.outputArtifacts.map(ArtifactDetail.init),
            executionResult: ActionExecutionResult(externalExecutionId: action.externalExecutionId, externalExecutionSummary: action.summary ?? failure?.message, errorDetails: failure),
            outputVariables: action.outputVariables.isEmpty ? nil : action.outputVariables)
    }
}

package struct ListActionExecutionsOutput: Sendable, Codable {
    package var actionExecutionDetails: [ActionExecutionDetail]
    package var nextToken: String?

    package init(actionExecutionDetails: [ActionExecutionDetail], nextToken: String?) {
        self.actionExecutionDetails = actionExecutionDetails
        self.nextToken = nextToken
    }
}
