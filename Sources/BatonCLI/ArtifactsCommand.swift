import ArgumentParser
import BatonAPI
import Foundation

struct ArtifactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifacts",
        abstract: "The coordinator's artifact store.",
        subcommands: [Collect.self])

    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Delete artifacts no longer kept: all but those of unfinished executions, the last N executions of each pipeline, executions of the last D days, and each pipeline's newest succeeded execution.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Executions per pipeline whose artifacts are kept (default 20).")
        var keepExecutions: Int?

        @Option(help: "Days of executions whose artifacts are kept (default 30).")
        var keepDays: Double?

        @Option(help: ArgumentHelp("Keep objects younger than this many seconds whatever refers to them (default 3600).", valueName: "seconds"))
        var minimumAge: Double?

        @Flag(help: "Only report what would be deleted.")
        var dryRun = false

        func run() async throws {
            let output = try await client.client().perform(
                post: CollectArtifactsInput.path,
                CollectArtifactsInput(keepExecutions: keepExecutions, keepDays: keepDays, dryRun: dryRun, minimumAgeSeconds: minimumAge),
                as: CollectArtifactsOutput.self)
            switch client.output {
            case .json:
                try printJSON(output)
            case .text:
                let verb = output.dryRun ? "would delete" : "deleted"
                print("\(verb) \(output.deleted.count) artifact(s), \(output.deletedBytes) bytes; \(output.kept) kept")
            }
        }
    }
}
