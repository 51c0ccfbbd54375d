import Testing
@testable import BatonModel

@Suite struct VariableTests {
    static let context = VariableContext(
        executionID: ExecutionID(rawValue: "e-1"), pipelineName: "p", pipelineVersion: 4,
        pipelineVariables: ["DeployEnv": "staging"], namespaces: ["BuildVars": ["TAG": "1.2.3"]])

    @Test func referencesAreFoundInOrder() throws {
        let references = try VariableReference.references(in: "a #{variables.X} b #{Ns.Key}#{codepipeline.PipelineExecutionId} # {not} #x")
        #expect(references.map(\.description) == ["#{variables.X}", "#{Ns.Key}", "#{codepipeline.PipelineExecutionId}"])
    }

    @Test(arguments: ["#{NoDot}", "#{.Key}", "#{Ns.}", "#{Ns.Key with space}"])
    func malformedReferencesAreRefused(_ text: String) {
        #expect(throws: VariableReference.SyntaxError.self) { try VariableReference.references(in: text) }
    }

    @Test func anUnterminatedReferenceSaysWhere() {
        #expect(throws: VariableReference.SyntaxError.unterminated(at: 4)) { try VariableReference.references(in: "abc #{Ns.Key") }
    }

    @Test func anActionResolvesEveryKindOfReference() {
        var action = ActionDeclaration(name: "Deploy", actionTypeId: .commands, configuration: ["Target": "#{variables.DeployEnv}-#{BuildVars.TAG}"],
                                       commands: ["echo #{codepipeline.PipelineExecutionId} #{codepipeline.PipelineName} v#{codepipeline.PipelineVersion}"])
        action.environmentVariables = [EnvironmentVariable(name: "TAG", value: "#{BuildVars.TAG}")]
        guard case .resolved(let resolved) = action.resolved(in: Self.context) else { Issue.record("expected resolution"); return }
        #expect(resolved.configuration == ["Target": "staging-1.2.3"])
        #expect(resolved.commands == ["echo e-1 p v4"])
        #expect(resolved.environmentVariables?.first?.value == "1.2.3")
    }

    @Test func anUnresolvableReferenceFailsTheActionWithCodePipelinesMessage() {
        let action = ActionDeclaration(name: "Deploy", actionTypeId: .commands, configuration: ["Target": "#{BuildVars.MISSING}"])
        guard case .unresolved(let failure) = action.resolved(in: Self.context) else { Issue.record("expected a failure"); return }
        #expect(failure.message.hasPrefix("An action in this pipeline failed because one or more variables could not be resolved: Action name=Deploy"))
        #expect(failure.message.contains("#{BuildVars.MISSING}"))
    }

    @Test func pipelineVariablesTakeDefaultsAndOverrides() throws {
        var declaration = try Fixtures.declaration("valid/cross-stage-variables.json")
        #expect(try declaration.pipelineVariableValues([:]) == ["DeployEnv": "staging", "Region": "eu-west-1"])
        #expect(try declaration.pipelineVariableValues(["DeployEnv": "prod"]) == ["DeployEnv": "prod", "Region": "eu-west-1"])
        #expect(throws: PipelineValidationError.self) { try declaration.pipelineVariableValues(["Unknown": "x"]) }
        #expect(throws: PipelineValidationError.self) { try declaration.pipelineVariableValues(["DeployEnv": ""]) }
        declaration.variables?.append(PipelineVariableDeclaration(name: "Required"))
        let error = #expect(throws: PipelineValidationError.self) { try declaration.pipelineVariableValues([:]) }
        #expect(error?.description.contains("Variable Required of pipeline variables-demo has no default value and no value was supplied") == true)
        #expect(try declaration.pipelineVariableValues(["Required": "yes"])["Required"] == "yes")
    }
}
