import ArgumentParser
import BatonAPI

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start an execution of a pipeline; prints its id.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let output = try await options.client().perform(
            .startPipelineExecution, StartPipelineExecutionInput(name: pipeline), as: StartPipelineExecutionOutput.self)
        if options.output == .json { return try printJSON(output) }
        print(output.pipelineExecutionId)
    }
}
