/// `beforeEntry`: conditions checked when an execution enters the stage (V2).
package struct BeforeEntryConditions: Sendable, Hashable, Codable {
    package var conditions: [ConditionDeclaration]
    package init(conditions: [ConditionDeclaration]) { self.conditions = conditions }
}

/// `onSuccess`: conditions checked after every action of the stage succeeded (V2).
package struct SuccessConditions: Sendable, Hashable, Codable {
    package var conditions: [ConditionDeclaration]
    package init(conditions: [ConditionDeclaration]) { self.conditions = conditions }
}

/// `onFailure`: what happens when the stage fails (V2): a result such as RETRY or ROLLBACK,
/// optionally gated by conditions.
package struct FailureConditions: Sendable, Hashable, Codable {
    package struct RetryConfiguration: Sendable, Hashable, Codable {
        package var retryMode: String?
        package init(retryMode: String?) { self.retryMode = retryMode }
    }

    package var result: String?
    package var retryConfiguration: RetryConfiguration?
    package var conditions: [ConditionDeclaration]?

    package init(result: String? = nil, retryConfiguration: RetryConfiguration? = nil, conditions: [ConditionDeclaration]? = nil) {
        self.result = result
        self.retryConfiguration = retryConfiguration
        self.conditions = conditions
    }
}

package struct ConditionDeclaration: Sendable, Hashable, Codable {
    package var result: String?
    package var rules: [RuleDeclaration]

    package init(result: String?, rules: [RuleDeclaration]) {
        self.result = result
        self.rules = rules
    }
}

package struct RuleDeclaration: Sendable, Hashable, Codable {
    package struct RuleTypeID: Sendable, Hashable, Codable {
        package var category: String
        package var owner: String?
        package var provider: String
        package var version: String?

        package init(category: String, owner: String?, provider: String, version: String?) {
            self.category = category
            self.owner = owner
            self.provider = provider
            self.version = version
        }
    }

    package var name: String
    package var ruleTypeId: RuleTypeID
    package var configuration: [String: String]?
    package var commands: [String]?
    package var inputArtifacts: [InputArtifact]?
    package var roleArn: String?
    package var region: String?
    package var timeoutInMinutes: Int?

    package init(name: String, ruleTypeId: RuleTypeID, configuration: [String: String]? = nil, commands: [String]? = nil) {
        self.name = name
        self.ruleTypeId = ruleTypeId
        self.configuration = configuration
        self.commands = commands
    }
}

/// `blockers`: reserved by CodePipeline for future use; only `{name, type: "Schedule"}` is valid.
package struct BlockerDeclaration: Sendable, Hashable, Codable {
    package var name: String
    package var type: String
}
