import ArgumentParser
import BatonAPI

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start an execution of a pipeline; prints its id.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Option(name: .customLong("variable"), help: "NAME=VALUE for a pipeline variable; repeatable.")
    var variables: [String] = []
    @Option(name: .customLong("source-revision"), help: "ACTION=COMMIT: the commit a git source action takes instead of its branch head; repeatable.")
    var sourceRevisions: [String] = []
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let parsed = try variables.map { text -> PipelineVariable in
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--variable '\(text)' is not NAME=VALUE") }
            return PipelineVariable(name: String(parts[0]), value: String(parts[1]))
        }
        let revisions = try sourceRevisions.map { text -> SourceRevisionOverride in
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--source-revision '\(text)' is not ACTION=COMMIT") }
            return SourceRevisionOverride(actionName: String(parts[0]), revisionValue: String(parts[1]))
        }
        let output = try await options.client().perform(
            .startPipelineExecution,
            StartPipelineExecutionInput(name: pipeline, variables: parsed.isEmpty ? nil : parsed, sourceRevisions: revisions.isEmpty ? nil : revisions),
            as: StartPipelineExecutionOutput.self)
        if options.output == .json { return try printJSON(output) }
        print(output.pipelineExecutionId)
    }
}
