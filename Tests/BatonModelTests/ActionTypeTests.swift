import Testing
@testable import BatonModel

@Suite struct ActionTypeTests {
    static let deployer = ActionType(
        id: ActionTypeID(category: "Deploy", owner: "Custom", provider: "Rollout", version: "2"),
        properties: [
            ActionConfigurationProperty(name: "Cluster", required: true, key: true, queryable: true),
            ActionConfigurationProperty(name: "Token", required: true, key: false, secret: true),
        ],
        inputs: ArtifactDetails(1, 1), outputs: ArtifactDetails(0, 0))

    static func pipeline(token: String, cluster: String = "eu1") -> PipelineDeclaration {
        PipelineDeclaration(name: "p", stages: [
            StageDeclaration(name: "Source", actions: [
                ActionDeclaration(name: "S", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"),
                                  configuration: ["S3Bucket": "b", "S3ObjectKey": "k"], outputArtifacts: [OutputArtifact(name: "Src")]),
            ]),
            StageDeclaration(name: "Deploy", actions: [
                ActionDeclaration(name: "Roll", actionTypeId: deployer.id, configuration: ["Cluster": cluster, "Token": token], inputArtifacts: ["Src"]),
            ]),
        ])
    }

    @Test func builtInTypesCarryCodePipelinesKeysAndCounts() throws {
        let registry = ActionTypeRegistry.builtIn
        let codeBuild = try #require(registry[ActionTypeID(category: "Build", owner: "AWS", provider: "CodeBuild", version: "1")])
        #expect(codeBuild.property(named: "ProjectName")?.required == true)
        #expect(codeBuild.inputArtifactDetails == ArtifactDetails(1, 5))
        #expect(registry[ActionTypeID(category: "Approval", owner: "AWS", provider: "Manual", version: "1")]?.outputArtifactDetails == ArtifactDetails(0, 0))
        #expect(registry[ActionTypeID(category: "Deploy", owner: "AWS", provider: "S3", version: "1")]?.property(named: "Extract")?.required == true)
        #expect(registry.all.count == BuiltInActionTypes.all.count)
    }

    @Test func aCustomTypeIsUsableOnceRegistered() throws {
        try Self.deployer.validateAsCustom()
        #expect(throws: PipelineValidationError.self) { try Self.pipeline(token: "t").validate() }
        try Self.pipeline(token: "t").validate(actionTypes: ActionTypeRegistry(custom: [Self.deployer]))
    }

    @Test func aQueryableValueIsShortAndPlain() throws {
        let registry = ActionTypeRegistry(custom: [Self.deployer])
        let error = #expect(throws: PipelineValidationError.self) { try Self.pipeline(token: "t", cluster: "eu 1").validate(actionTypes: registry) }
        #expect(error?.issues.first?.message.contains("queryable property 'Cluster' must be at most 20 letters") == true)
    }

    @Test func secretValuesAreMaskedOnReadAndKeptWhenSentBackMasked() throws {
        let registry = ActionTypeRegistry(custom: [Self.deployer])
        let stored = Self.pipeline(token: "s3cr3t")
        let shown = stored.maskingSecrets(actionTypes: registry)
        #expect(shown.stages[1].actions[0].configuration == ["Cluster": "eu1", "Token": "****"])
        #expect(shown.restoringSecrets(from: stored, actionTypes: registry) == stored)
        // A new value replaces the secret.
        let changed = Self.pipeline(token: "rotated").restoringSecrets(from: stored, actionTypes: registry)
        #expect(changed.stages[1].actions[0].configuration?["Token"] == "rotated")
    }

    struct BadType: CustomTestStringConvertible, Sendable {
        let name: String
        let type: ActionType
        let message: String
        var testDescription: String { name }
    }

    static let badTypes: [BadType] = [
        BadType(name: "owner not Custom", type: ActionType(id: .init(category: "Build", owner: "AWS", provider: "X", version: "1"), inputs: .init(0, 1), outputs: .init(0, 1)), message: "always have owner Custom"),
        BadType(name: "too many artifacts", type: ActionType(id: .init(category: "Build", owner: "Custom", provider: "X", version: "1"), inputs: .init(0, 6), outputs: .init(0, 1)), message: "inputArtifactDetails must have 0 ≤ minimumCount ≤ maximumCount ≤ 5"),
        BadType(name: "two queryable", type: ActionType(id: .init(category: "Build", owner: "Custom", provider: "X", version: "1"), properties: [
            .init(name: "A", required: true, queryable: true), .init(name: "B", required: true, queryable: true),
        ], inputs: .init(0, 1), outputs: .init(0, 1)), message: "At most one configuration property may be queryable"),
        BadType(name: "secret queryable", type: ActionType(id: .init(category: "Build", owner: "Custom", provider: "X", version: "1"), properties: [
            .init(name: "A", required: true, secret: true, queryable: true),
        ], inputs: .init(0, 1), outputs: .init(0, 1)), message: "must be required and not secret"),
        BadType(name: "eleven properties", type: ActionType(id: .init(category: "Build", owner: "Custom", provider: "X", version: "1"), properties: (0..<11).map { .init(name: "P\($0)", required: false) },
                                                            inputs: .init(0, 1), outputs: .init(0, 1)), message: "at most 10 configuration properties"),
    ]

    @Test(arguments: badTypes)
    func customTypesFollowCreateCustomActionTypesRules(_ bad: BadType) {
        let error = #expect(throws: PipelineValidationError.self) { try bad.type.validateAsCustom() }
        #expect(error?.issues.contains { $0.message.contains(bad.message) } == true, "\(error?.issues.map(\.message) ?? [])")
    }
}
