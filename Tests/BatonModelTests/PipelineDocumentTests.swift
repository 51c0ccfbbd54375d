import Foundation
import Testing
@testable import BatonModel

@Suite struct PipelineDocumentTests {
    @Test(arguments: Fixtures.valid)
    func realisticDeclarationsLoadValidateAndRoundTrip(_ name: String) throws {
        let data = try Fixtures.data(name)
        let declaration = try PipelineDocument.decode(data)
        try declaration.validate()

        // JSON out has the same meaning as JSON in, member for member.
        let original = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let written = try JSONSerialization.jsonObject(with: Data(PipelineDocument.encode(declaration, as: .json).utf8)) as? [String: Any]
        #expect((original["pipeline"] as? NSDictionary) == (written?["pipeline"] as? NSDictionary))

        // And YAML out reads back to the same declaration.
        let yaml = PipelineDocument.encode(declaration, as: .yaml)
        #expect(try PipelineDocument.decode(Data(yaml.utf8), format: .yaml) == declaration)
    }

    @Test func theYAMLFormOfAPipelineIsTheSameDeclarationAsItsJSON() throws {
        let json = try Fixtures.declaration("valid/five-stage.json")
        let yaml = try Fixtures.declaration("valid/five-stage.yml")
        #expect(yaml == json)
        // Unquoted YAML scalars become the strings CodePipeline's JSON has.
        #expect(yaml.stages[0].actions[0].actionTypeId.version == "1")
        #expect(yaml.stages[0].actions[0].configuration?["DetectChanges"] == "true")
        #expect(yaml.stages[3].actions[0].timeoutInMinutes == 1440)
    }

    @Test func theHelloExampleReadsTheSameAsJSONAndAsYAML() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/hello")
        let json = try PipelineDocument.decode(Data(contentsOf: examples.appendingPathComponent("pipeline.json")), format: .json)
        let yaml = try PipelineDocument.decode(Data(contentsOf: examples.appendingPathComponent("pipeline.yml")), format: .yaml)
        #expect(json == yaml)
        try json.validate()
    }

    @Test func theFormatIsTakenFromContentWhenTheNameSaysNothing() throws {
        let yaml = try Fixtures.data("valid/five-stage.yml")
        #expect(try PipelineDocument.decode(yaml).name == "web-app")
        #expect(PipelineDocument.Format(path: "x/pipeline.YAML") == .yaml)
        #expect(PipelineDocument.Format(path: "x/pipeline") == nil)
    }

    @Test func anUnknownFieldIsRefusedByNameAndPath() throws {
        let text = #"{"pipeline": {"name": "p", "stages": [{"name": "S", "actions": [{"name": "a", "runorder": 2, "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}}]}]}}"#
        let error = #expect(throws: PipelineDocument.Failure.self) { try PipelineDocument.decode(Data(text.utf8)) }
        guard case .shape(let validation)? = error else { Issue.record("expected a shape error"); return }
        #expect(validation.exception == .validation)
        #expect(validation.issues.map(\.path.description) == ["pipeline.stages.1.member.actions.1.member.runorder"])
        let message = try #require(validation.issues.first?.message)
        #expect(message.hasPrefix("Unknown field 'runorder' at 'pipeline.stages.1.member.actions.1.member'; expected one of: actionTypeId, "))
        #expect(message.contains("runOrder"))
    }

    @Test func unknownTopLevelMembersAreRefusedToo() {
        let text = #"{"pipelines": {}}"#
        #expect(throws: PipelineDocument.Failure.self) { try PipelineDocument.decode(Data(text.utf8)) }
    }

    @Test func aWrongTypeNamesTheMember() throws {
        let text = #"{"pipeline": {"name": "p", "stages": [{"name": "S", "actions": [{"name": "a", "runOrder": "first", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}}]}]}}"#
        let error = #expect(throws: PipelineDocument.Failure.self) { try PipelineDocument.decode(Data(text.utf8), format: .json) }
        #expect(error?.description == "1 validation error detected: Value at 'pipeline.stages.1.member.actions.1.member.runOrder' must be an integer")
    }

    @Test func aMissingRequiredMemberIsNamedAsBotocoreNamesIt() throws {
        let text = #"{"pipeline": {"stages": []}}"#
        let error = #expect(throws: PipelineDocument.Failure.self) { try PipelineDocument.decode(Data(text.utf8)) }
        #expect(error?.description == "1 validation error detected: Value null at 'pipeline.name' failed to satisfy constraint: Member must not be null")
    }

    @Test func anUnknownExecutionModeIsAnEnumViolation() throws {
        let text = #"{"pipeline": {"name": "p", "executionMode": "FAST", "stages": []}}"#
        let error = #expect(throws: PipelineDocument.Failure.self) { try PipelineDocument.decode(Data(text.utf8)) }
        #expect(error?.description.contains("Value 'FAST' at 'pipeline.executionMode' failed to satisfy constraint: Member must satisfy enum value set: [QUEUED, SUPERSEDED, PARALLEL]") == true)
    }

    @Test func syntaxErrorsSayWhichFormatFailed() {
        #expect(throws: PipelineDocument.Failure.self) { try PipelineDocument.decode(Data("{\"pipeline\": ".utf8), format: .json) }
        let error = #expect(throws: PipelineDocument.Failure.self) { try PipelineDocument.decode(Data("pipeline: [unclosed".utf8), format: .yaml) }
        #expect(error?.description.hasPrefix("not valid YAML: ") == true)
    }

    @Test func numbersStayNumbersInsideJSONValues() throws {
        // A JSON number must never come back as a Boolean (1 and true are different values).
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a": 1, "b": true, "c": 1.5, "d": "1"}"#.utf8))
        #expect(value == .object(["a": .number(1), "b": .bool(true), "c": .number(1.5), "d": .string("1")]))
    }
}
