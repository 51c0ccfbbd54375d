import BatonModel

/// GetActionType, ListRuleTypes and ListRuleExecutions, in CodePipeline's shapes.
/// GetActionType's input is an action type id's four members.
package typealias GetActionTypeInput = ActionTypeID

/// GetActionType's `ActionTypeDeclaration`: every Baton action type runs on job workers.
package struct ActionTypeDeclarationShape: Sendable, Codable {
    package struct Executor: Sendable, Codable {
        package struct Configuration: Sendable, Codable {
            package struct JobWorker: Sendable, Codable {}
            package var jobWorkerExecutorConfiguration = JobWorker()
        }

        package var configuration = Configuration()
        package var type = "JobWorker"
    }

    package struct Property: Sendable, Codable {
        package var name: String
        package var optional: Bool
        package var key: Bool
        package var noEcho: Bool
        package var queryable: Bool?
        package var description: String?
    }

    package struct Identifier: Sendable, Codable {
        package var category: String
        package var owner: String
        package var provider: String
        package var version: String
    }

    package var description: String?
    package var executor = Executor()
    package var id: Identifier
    package var inputArtifactDetails: ArtifactDetails
    package var outputArtifactDetails: ArtifactDetails
    package var properties: [Property]

    package init(_ type: ActionType) {
        id = Identifier(category: type.id.category, owner: type.id.owner, provider: type.id.provider, version: type.id.version)
        inputArtifactDetails = type.inputArtifactDetails
        outputArtifactDetails = type.outputArtifactDetails
        properties = type.actionConfigurationProperties.map {
            Property(name: $0.name, optional: !$0.required, key: $0.key, noEcho: $0.secret, queryable: $0.queryable, description: $0.description)
        }
    }
}

package struct GetActionTypeOutput: Sendable, Codable {
    package var actionType: ActionTypeDeclarationShape
    package init(actionType: ActionTypeDeclarationShape) { self.actionType = actionType }
}

package struct ListRuleTypesInput: Sendable, Codable {
    package var ruleOwnerFilter: String?
    package var regionFilter: String?
    package init() {}
}

package struct RuleTypeShape: Sendable, Codable {
    package struct Identifier: Sendable, Codable {
        package var category = "Rule"
        package var owner = "AWS"
        package var provider: String
        package var version = "1"
    }

    package struct Property: Sendable, Codable {
        package var name: String
        package var required: Bool
        package var key: Bool
        package var secret: Bool
        package var description: String?
    }

    package var id: Identifier
    package var inputArtifactDetails: ArtifactDetails
    package var ruleConfigurationProperties: [Property]

    /// The managed rules Baton runs: VariableCheck and DeploymentWindow in the engine, Commands and
    /// LambdaInvoke on workers. CloudWatchAlarm needs CloudWatch, which a self-hosted coordinator does not have.
    package static let supported: [RuleTypeShape] = [
        RuleTypeShape(id: Identifier(provider: "VariableCheck"), inputArtifactDetails: ArtifactDetails(0, 0), ruleConfigurationProperties: [
            Property(name: "Variable", required: true, key: true, secret: false, description: "The variable to check, such as #{SourceVariables.BranchName}"),
            Property(name: "Value", required: true, key: false, secret: false, description: "The value to compare with"),
            Property(name: "Operator", required: true, key: false, secret: false, description: "EQ, NE, CONTAINS, MATCHES, GT, GE, LT or LE"),
        ]),
        RuleTypeShape(id: Identifier(provider: "DeploymentWindow"), inputArtifactDetails: ArtifactDetails(0, 0), ruleConfigurationProperties: [
            Property(name: "Cron", required: true, key: true, secret: false, description: "When deployments may proceed, as a cron expression"),
            Property(name: "TimeZone", required: false, key: false, secret: false, description: "The time zone of the cron expression (default UTC)"),
        ]),
        RuleTypeShape(id: Identifier(provider: "Commands"), inputArtifactDetails: ArtifactDetails(0, 10), ruleConfigurationProperties: []),
        RuleTypeShape(id: Identifier(provider: "LambdaInvoke"), inputArtifactDetails: ArtifactDetails(0, 5), ruleConfigurationProperties: [
            Property(name: "FunctionName", required: true, key: true, secret: false, description: "An executable in a worker's --functions folder"),
            Property(name: "UserParameters", required: false, key: false, secret: false, description: "Passed to the function"),
        ]),
    ]
}

package struct ListRuleTypesOutput: Sendable, Codable {
    package var ruleTypes: [RuleTypeShape]
    package init(ruleTypes: [RuleTypeShape]) { self.ruleTypes = ruleTypes }
}

package struct ListRuleExecutionsInput: Sendable, Codable {
    package struct Filter: Sendable, Codable {
        package var pipelineExecutionId: String?
    }

    package var pipelineName: String
    package var filter: Filter?
    package var maxResults: Int?
    package var nextToken: String?

    package init(pipelineName: String, pipelineExecutionId: String? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.pipelineName = pipelineName
        filter = pipelineExecutionId.map { Filter(pipelineExecutionId: $0) }
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

package struct RuleExecutionDetail: Sendable, Codable {
    package struct Input: Sendable, Codable {
        package var ruleTypeId: RuleDeclaration.RuleTypeID
        package var configuration: [String: String]?
        package var roleArn: String?
        package var region: String?
    }

    package struct Output: Sendable, Codable {
        package struct Result: Sendable, Codable {
            package var externalExecutionId: String?
            package var externalExecutionSummary: String?
        }

        package var executionResult: Result
    }

    package var pipelineExecutionId: String
    package var ruleExecutionId: String
    package var pipelineVersion: Int
    package var stageName: String
    package var ruleName: String
    package var lastUpdateTime: Timestamp?
    package var status: String
    package var input: Input
    package var output: Output

    package init(execution: PipelineExecution, stage: String, condition: String, rule: RuleDeclaration, record: ConditionRecord, job: RuleJob?) {
        pipelineExecutionId = execution.id.rawValue
        ruleExecutionId = job?.jobID.rawValue ?? "\(execution.id.rawValue)/\(stage)/\(condition)/\(rule.name)"
        pipelineVersion = execution.pipelineVersion
        stageName = stage
        ruleName = rule.name
        lastUpdateTime = record.lastStatusChange
        // A rule run by a worker has its own outcome; one the engine evaluated shares its condition's.
        status = job.map { $0.outcome ?? "InProgress" } ?? record.status
        input = Input(ruleTypeId: rule.ruleTypeId, configuration: rule.configuration, roleArn: rule.roleArn, region: rule.region)
        output = Output(executionResult: Output.Result(externalExecutionId: job?.jobID.rawValue, externalExecutionSummary: job?.message ?? record.summary))
    }
}

package struct ListRuleExecutionsOutput: Sendable, Codable {
    package var ruleExecutionDetails: [RuleExecutionDetail]
    package var nextToken: String?

    package init(ruleExecutionDetails: [RuleExecutionDetail], nextToken: String?) {
        self.ruleExecutionDetails = ruleExecutionDetails
        self.nextToken = nextToken
    }
}
