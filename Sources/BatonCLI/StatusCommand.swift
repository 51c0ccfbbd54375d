import ArgumentParser
import BatonAPI
import BatonModel
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show an execution's stages and actions: status, time, and what each is doing or waiting for.",
        discussion: "Exit status: 0 when shown. With --watch, as `baton watch`.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "An execution id (default: the latest).") var executionId: String?
    @Flag(help: "Follow the execution to its end, as `baton watch` does.")
    var watch = false
    @Option(help: "With --watch: give up after this many seconds (exit 2).")
    var timeout: Double?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        let id = try await ExecutionView.executionID(executionId, of: pipeline, client: client)
        if watch {
            return try await WatchCommand.follow(pipeline, execution: id, timeout: timeout, output: options.output, client: client)
        }
        let view = try await ExecutionView.load(pipeline, execution: id, client: client)
        if options.output == .json {
            let state = try await client.perform(.getPipelineState, GetPipelineStateInput(name: pipeline), as: GetPipelineStateOutput.self)
            return try printJSON(state)
        }
        print(view.render(.standardOutput))
    }
}

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow an execution live until it ends: each action's status, time and progress.",
        discussion: """
            On a terminal the table is redrawn in place; otherwise (or with --output json) each change is printed \
            once. Exit status: 0 when the execution Succeeded, 1 when it ended otherwise, 2 on --timeout.
            """)
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "An execution id (default: the latest).") var executionId: String?
    @Option(help: "Give up after this many seconds (exit 2).")
    var timeout: Double?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        let id = try await ExecutionView.executionID(executionId, of: pipeline, client: client)
        try await Self.follow(pipeline, execution: id, timeout: timeout, output: options.output, client: client)
    }

    static func follow(_ pipeline: String, execution id: String, timeout: Double?, output: ClientOptions.OutputFormat, client: CodePipelineClient) async throws {
        let terminal = Terminal.standardOutput
        let live = terminal.isInteractive && output == .text
        let start = ContinuousClock.now
        var seen: [String: ExecutionView.Row] = [:]
        while true {
            let view = try await ExecutionView.load(pipeline, execution: id, client: client)
            if live {
                terminal.clear()
                print(view.render(terminal))
            } else {
                for row in view.rows where row.status != "-" {
                    let key = "\(row.stage)/\(row.action)"
                    guard seen[key]?.status != row.status || seen[key]?.detail != row.detail else { continue }
                    seen[key] = row
                    if output == .json {
                        try printJSONLine(["stage": row.stage, "action": row.action, "status": row.status, "duration": row.duration, "detail": row.detail])
                    } else {
                        print("\(key): \(row.status)\(row.detail.isEmpty ? "" : " (\(row.detail))")")
                    }
                }
            }
            fflush(nil)
            let status = view.execution.status
            if status.isTerminal {
                if output == .json {
                    try printJSONLine(["execution": id, "status": status.rawValue, "summary": view.execution.statusSummary ?? ""])
                } else if !live {
                    print("execution \(id): \(status.rawValue)\(view.execution.statusSummary.map { ": \($0)" } ?? "")")
                }
                if status != .succeeded { throw ExitCode(1) }
                return
            }
            if let timeout, ContinuousClock.now - start > .seconds(timeout) {
                print("execution \(id): still \(status.rawValue) after \(timeout) s")
                throw ExitCode(2)
            }
            // A person is watching: a few refreshes a second is plenty.
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
