import Foundation
import Testing
@testable import BatonModel

@Suite struct PipelineDeclarationTests {
    static let helloURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/hello/pipeline.json")

    struct Wrapped: Codable { var pipeline: PipelineDeclaration }

    @Test func helloDeclarationLoadsValidatesAndRoundTrips() throws {
        let data = try Data(contentsOf: Self.helloURL)
        let declaration = try JSONDecoder().decode(Wrapped.self, from: data).pipeline
        try declaration.validate()
        #expect(declaration.stages.map(\.name) == ["Source", "Build", "Package"])
        #expect(declaration.stages[1].runOrderGroups.map { $0.map(\.name) } == [["Compile", "Lint"]])

        let encoded = try JSONEncoder().encode(declaration)
        #expect(try JSONDecoder().decode(PipelineDeclaration.self, from: encoded) == declaration)
        // Same meaning as the file, key for key.
        let original = try JSONSerialization.jsonObject(with: data) as? NSDictionary
        let again = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Wrapped(pipeline: declaration))) as? NSDictionary
        #expect(original == again)
    }

    @Test func runOrderGroupsAreSortedAndNeedNotBeContiguous() {
        let stage = StageDeclaration(name: "S", actions: [
            ActionDeclaration(name: "c", actionTypeId: .commands, runOrder: 5),
            ActionDeclaration(name: "a", actionTypeId: .commands),
            ActionDeclaration(name: "b", actionTypeId: .commands, runOrder: 1),
        ])
        #expect(stage.runOrderGroups.map { $0.map(\.name) } == [["a", "b"], ["c"]])
    }
}

@Suite struct PipelineValidationTests {
    static let source = ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1")

    static func pipeline(_ stages: [StageDeclaration], name: String = "p") -> PipelineDeclaration {
        PipelineDeclaration(name: name, stages: stages)
    }

    static var sourceStage: StageDeclaration {
        StageDeclaration(name: "Source", actions: [
            ActionDeclaration(name: "Fetch", actionTypeId: source, outputArtifacts: [OutputArtifact(name: "Src")]),
        ])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let declaration: PipelineDeclaration
        let exception: PipelineValidationError.Exception
        let path: String
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one stage", declaration: pipeline([sourceStage]),
             exception: .invalidStructure, path: "pipeline.stages", message: "a pipeline must have between 2 and 50 stages"),
        Case(name: "bad pipeline name", declaration: pipeline([sourceStage, StageDeclaration(name: "B", actions: [ActionDeclaration(name: "x", actionTypeId: .commands, commands: ["true"])])], name: "bad name"),
             exception: .validation, path: "pipeline.name", message: "Value 'bad name' at 'pipeline.name' failed to satisfy constraint"),
        Case(name: "non-source action in the first stage",
             declaration: pipeline([StageDeclaration(name: "S", actions: [ActionDeclaration(name: "x", actionTypeId: .commands, commands: ["true"])]), StageDeclaration(name: "B", actions: [ActionDeclaration(name: "y", actionTypeId: .commands, commands: ["true"])])]),
             exception: .invalidStructure, path: "pipeline.stages.1.member.actions.1.member.actionTypeId", message: "the first stage must contain only Source actions"),
        Case(name: "source action after the first stage",
             declaration: pipeline([sourceStage, StageDeclaration(name: "B", actions: [ActionDeclaration(name: "y", actionTypeId: source, outputArtifacts: [OutputArtifact(name: "Other")])])]),
             exception: .invalidStructure, path: "pipeline.stages.2.member.actions.1.member.actionTypeId", message: "Source actions may only be in the first stage"),
        Case(name: "input never produced",
             declaration: pipeline([sourceStage, StageDeclaration(name: "B", actions: [ActionDeclaration(name: "y", actionTypeId: .commands, commands: ["true"], inputArtifacts: ["Missing"])])]),
             exception: .invalidActionDeclaration, path: "pipeline.stages.2.member.actions.1.member.inputArtifacts.1.member", message: "Input Artifact Bundle Missing"),
        Case(name: "input produced by a parallel action",
             declaration: pipeline([sourceStage, StageDeclaration(name: "B", actions: [
                ActionDeclaration(name: "make", actionTypeId: .commands, commands: ["true"], outputArtifacts: [OutputArtifact(name: "Made")]),
                ActionDeclaration(name: "use", actionTypeId: .commands, commands: ["true"], inputArtifacts: ["Made"]),
             ])]),
             exception: .invalidActionDeclaration, path: "pipeline.stages.2.member.actions.2.member.inputArtifacts.1.member", message: "Input Artifact Bundle Made"),
        Case(name: "duplicate output artifact",
             declaration: pipeline([sourceStage, StageDeclaration(name: "B", actions: [ActionDeclaration(name: "y", actionTypeId: .commands, commands: ["true"], outputArtifacts: [OutputArtifact(name: "Src")])])]),
             exception: .invalidActionDeclaration, path: "pipeline.stages.2.member.actions.1.member.outputArtifacts.1.member", message: "Output Artifact Bundle name must be unique within the pipeline. Src has been used more than once."),
        Case(name: "duplicate stage name",
             declaration: pipeline([sourceStage, StageDeclaration(name: "Source", actions: [ActionDeclaration(name: "y", actionTypeId: .commands, commands: ["true"])])]),
             exception: .invalidStageDeclaration, path: "pipeline.stages.2.member.name", message: "Stage name Source is used more than once"),
        Case(name: "commands on a non-compute action",
             declaration: pipeline([StageDeclaration(name: "S", actions: [ActionDeclaration(name: "x", actionTypeId: source, commands: ["ls"], outputArtifacts: [OutputArtifact(name: "A")])]), StageDeclaration(name: "B", actions: [ActionDeclaration(name: "y", actionTypeId: .commands, commands: ["true"])])]),
             exception: .invalidActionDeclaration, path: "pipeline.stages.1.member.actions.1.member.commands", message: "The following action cannot contain a commands field: x."),
        Case(name: "runOrder out of range",
             declaration: pipeline([sourceStage, StageDeclaration(name: "B", actions: [ActionDeclaration(name: "y", actionTypeId: .commands, runOrder: 1000, commands: ["true"])])]),
             exception: .validation, path: "pipeline.stages.2.member.actions.1.member.runOrder", message: "Member must have value between 1 and 999"),
        Case(name: "empty stage",
             declaration: pipeline([sourceStage, StageDeclaration(name: "B", actions: [])]),
             exception: .invalidStageDeclaration, path: "pipeline.stages.2.member.actions", message: "a stage must have between 1 and 50 actions"),
    ]

    @Test(arguments: cases)
    func eachRuleIsReportedWithItsExceptionAndPath(_ testCase: Case) {
        let error = #expect(throws: PipelineValidationError.self) { try testCase.declaration.validate() }
        let issue = error?.issues.first { $0.path.description == testCase.path }
        #expect(issue?.exception == testCase.exception, "issues: \(error?.issues.map { "\($0.path): \($0.message)" } ?? [])")
        #expect(issue?.message.contains(testCase.message) == true, "message: \(issue?.message ?? "none")")
    }

    @Test func everyMistakeIsReportedAtOnce() {
        let declaration = Self.pipeline([
            StageDeclaration(name: "bad stage", actions: [ActionDeclaration(name: "x", actionTypeId: .commands, commands: ["true"])]),
            StageDeclaration(name: "B", actions: [ActionDeclaration(name: "y", actionTypeId: .commands, runOrder: 0, commands: ["true"], inputArtifacts: ["Nope"])]),
        ], name: "bad name")
        let error = #expect(throws: PipelineValidationError.self) { try declaration.validate() }
        #expect(error?.issues.count == 5)
        #expect(error?.description.hasPrefix("5 validation errors detected: ") == true)
    }
}
