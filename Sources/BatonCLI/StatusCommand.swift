import ArgumentParser
import BatonAPI
import BatonModel
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a pipeline's stages and actions, or one execution's; --watch follows it to the end.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "An execution id (default: the latest).") var executionId: String?
    @Flag(help: "Print each action's status as it changes until the execution ends; exit 0 only if it Succeeded.")
    var watch = false
    @Option(help: "With --watch: give up after this many seconds (exit 2).")
    var timeout: Double?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        var id = executionId
        if id == nil {
            let list = try await client.perform(
                .listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: pipeline, maxResults: 1), as: ListPipelineExecutionsOutput.self)
            id = list.pipelineExecutionSummaries.first?.pipelineExecutionId
        }
        guard let id else {
            throw ClientFailure(description: "pipeline \(pipeline) has no executions yet")
        }
        if watch {
            try await follow(id, client: client)
        } else {
            let (execution, state) = try await snapshot(id, client: client)
            if options.output == .json { return try printJSON(state) }
            print("\(pipeline) \(id) \(execution.status.rawValue)\(execution.statusSummary.map { ": \($0)" } ?? "")")
            for row in rows(state, execution: id) {
                print(row.joined(separator: "\t"))
            }
        }
    }

    private func snapshot(_ id: String, client: CodePipelineClient) async throws -> (PipelineExecutionShape, GetPipelineStateOutput) {
        let execution = try await client.perform(
            .getPipelineExecution, GetPipelineExecutionInput(pipelineName: pipeline, pipelineExecutionId: id), as: GetPipelineExecutionOutput.self)
        let state = try await client.perform(.getPipelineState, GetPipelineStateInput(name: pipeline), as: GetPipelineStateOutput.self)
        return (execution.pipelineExecution, state)
    }

    /// Stage, action, status and summary of each action that belongs to execution `id`.
    private func rows(_ state: GetPipelineStateOutput, execution id: String) -> [[String]] {
        state.stageStates.flatMap { stage -> [[String]] in
            let ours = stage.latestExecution?.pipelineExecutionId == id
            return stage.actionStates.map { action in
                let latest = ours ? action.latestExecution : nil
                let summary = latest?.errorDetails?.message.split(separator: "\n").first.map(String.init) ?? latest?.summary ?? ""
                return [stage.stageName, action.actionName, latest?.status.rawValue ?? "-", summary]
            }
        }
    }

    private func follow(_ id: String, client: CodePipelineClient) async throws {
        let start = ContinuousClock.now
        var seen: [String: String] = [:]
        while true {
            let (execution, state) = try await snapshot(id, client: client)
            for row in rows(state, execution: id) where row[2] != "-" {
                let key = "\(row[0])/\(row[1])"
                if seen[key] != row[2] {
                    seen[key] = row[2]
                    print("\(key): \(row[2])\(row[3].isEmpty ? "" : " (\(row[3]))")")
                    fflush(nil)
                }
            }
            if execution.status.isTerminal {
                print("execution \(id): \(execution.status.rawValue)\(execution.statusSummary.map { ": \($0)" } ?? "")")
                if execution.status != .succeeded { throw ExitCode(1) }
                return
            }
            if let timeout, ContinuousClock.now - start > .seconds(timeout) {
                print("execution \(id): still \(execution.status.rawValue) after \(timeout) s")
                throw ExitCode(2)
            }
            // A person is watching: a few refreshes a second is plenty.
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
