import ArgumentParser
import BatonAPI
import BatonModel
import Foundation

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List a pipeline's executions, newest first.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Option(help: "How many executions (1-100).") var limit = 20
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        let list = try await client.perform(
            .listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: pipeline, maxResults: limit), as: ListPipelineExecutionsOutput.self)
        if options.output == .json { return try printJSON(list) }
        let terminal = Terminal.standardOutput
        let formatter = ISO8601DateFormatter()
        let now = Date().timeIntervalSince1970
        let rows = list.pipelineExecutionSummaries.map { summary -> [String] in
            let end = summary.status.isTerminal ? summary.lastUpdateTime.secondsSince1970 : now
            return [
                summary.pipelineExecutionId, terminal.status(summary.status.rawValue),
                formatter.string(from: Date(timeIntervalSince1970: summary.startTime.secondsSince1970)),
                duration(end - summary.startTime.secondsSince1970), summary.trigger.triggerType, summary.statusSummary ?? "",
            ]
        }
        print(table([["EXECUTION", "STATUS", "STARTED", "TIME", "TRIGGER", "SUMMARY"].map(terminal.bold)] + rows))
    }
}

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print an action's log; --follow keeps printing while the action runs.",
        discussion: "Exit status: 0 when printed (with --follow: when the action ended and succeeded), 1 when it failed.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "The stage.") var stage: String
    @Argument(help: "The action.") var action: String
    @Option(help: "An execution id (default: the latest).") var execution: String?
    @Flag(name: .shortAndLong, help: "Follow the log until the action ends.") var follow = false
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        let id = try await ExecutionView.executionID(execution, of: pipeline, client: client)
        var offset: UInt64 = 0
        while true {
            let detail = try await client.perform(
                .listActionExecutions, ListActionExecutionsInput(pipelineName: pipeline, filter: .init(pipelineExecutionId: id)),
                as: ListActionExecutionsOutput.self
            ).actionExecutionDetails.first { $0.stageName == stage && $0.actionName == action }
            guard let detail, let actionExecutionId = detail.actionExecutionId else {
                guard follow else { throw ClientFailure(description: "action \(stage)/\(action) has not run in execution \(id)") }
                try await Task.sleep(for: .milliseconds(250))
                continue
            }
            // Read everything there is; once the action has ended, what was read is all of it.
            let ended = detail.status != .inProgress
            while true {
                let (body, headers) = try await Self.read(client, actionExecutionId, from: offset)
                FileHandle.standardOutput.write(body)
                offset += UInt64(body.count)
                if body.isEmpty || offset >= UInt64(headers["x-baton-log-size"] ?? "") ?? 0 { break }
            }
            if !follow || ended {
                if follow && detail.status != .succeeded { throw ExitCode(1) }
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    static func read(_ client: CodePipelineClient, _ id: String, from offset: UInt64) async throws -> (Data, [String: String]) {
        do {
            return try await client.get("/baton/logs/\(id)", query: "offset=\(offset)")
        } catch {
            throw ClientFailure(description: error.description)
        }
    }
}

struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Show the connected workers (types, labels, slots, last heard from) and the jobs waiting for one, with why.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        let report = try await client.perform(post: ListWorkersInput.path, ListWorkersInput(), as: ListWorkersOutput.self)
        if options.output == .json { return try printJSON(report) }
        let terminal = Terminal.standardOutput
        let rows = report.workers.map { worker in
            [
                worker.workerId, "\(worker.running)/\(worker.maxSlots)", String(format: "%.1fs ago", worker.lastHeardSecondsAgo),
                worker.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                worker.actionTypes.map { "\($0.category)/\($0.provider)" }.joined(separator: " "),
            ]
        }
        print(table([["WORKER", "BUSY", "HEARD", "LABELS", "TYPES"].map(terminal.bold)] + rows))
        if report.httpJobs > 0 { print("\(report.httpJobs) job(s) on HTTP job workers (PollForJobs)") }
        if !report.waiting.isEmpty {
            print("")
            let waiting = report.waiting.map { ["\($0.pipelineName)", "\($0.stageName)/\($0.actionName)", $0.reason] }
            print(table([["PIPELINE", "ACTION", "WAITING BECAUSE"].map(terminal.bold)] + waiting))
        }
    }
}
