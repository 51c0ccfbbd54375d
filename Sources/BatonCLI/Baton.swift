import ArgumentParser
import Foundation
import Logging

/// The `baton` command: the coordinator and worker processes, and a client of the coordinator's API.
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Baton: a self-hosted CI/CD pipeline orchestrator that speaks CodePipeline.",
        subcommands: [
            CoordinatorCommand.self, WorkerCommand.self, UpCommand.self, PipelineCommand.self,
            StartCommand.self, StatusCommand.self, WatchCommand.self, HistoryCommand.self, LogsCommand.self, StopCommand.self, RetryCommand.self,
            TransitionCommand.self, ApprovalCommand.self, RejectCommand.self, RollbackCommand.self, OverrideCommand.self, ArtifactsCommand.self,
            WorkersCommand.self, ConnectionCommand.self, KeysCommand.self,
        ])
}

@main
enum Main {
    static func main() async {
        // A write to a pipe whose reader is gone (a child process that exited early, a client that
        // hung up) must fail that one operation with EPIPE, not kill the coordinator or worker.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try Baton.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Baton.exitCode(for: error)
            if code == .success {
                print(Baton.fullMessage(for: error))
                exit(0)
            }
            // One line a user can act on: no usage dump.
            let message = Baton.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("baton: \(message)\n".utf8))
            exit(code.rawValue)
        }
    }
}

/// Reads a setting from its flag, then its `BATON_…` environment variable, then the default.
func setting(_ flag: String?, env name: String, default fallback: String) -> String {
    flag ?? ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
}

func setting(_ flag: Int?, env name: String, default fallback: Int) throws -> Int {
    if let flag { return flag }
    guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return fallback }
    guard let value = Int(text) else { throw ValidationError("\(name)='\(text)' is not a whole number") }
    return value
}

func setting(_ flag: Double?, env name: String, default fallback: Double) throws -> Double {
    if let flag { return flag }
    guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return fallback }
    guard let value = Double(text) else { throw ValidationError("\(name)='\(text)' is not a number") }
    return value
}

/// Logs to standard error at the chosen level.
func bootstrapLogging(level: String?) throws -> Logger {
    let text = setting(level, env: "BATON_LOG_LEVEL", default: "info")
    guard let level = Logger.Level(rawValue: text) else {
        throw ValidationError("log level '\(text)' is not one of trace, debug, info, notice, warning, error, critical")
    }
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return Logger(label: "baton")
}
