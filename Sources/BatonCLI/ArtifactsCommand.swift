import ArgumentParser
import BatonAPI
import BatonModel
import Crypto
import Foundation

struct ArtifactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifacts",
        abstract: "The coordinator's artifact store.",
        subcommands: [Get.self, Collect.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Download an artifact of an execution (a zip), checked against its SHA-256.")
        @Argument(help: "The pipeline's name.") var pipeline: String
        @Argument(help: "The artifact's name (an action's output artifact).") var artifact: String
        @Option(help: "An execution id (default: the latest).") var execution: String?
        @Option(name: [.customShort("o"), .long], help: "Where to write it (default: ./<artifact>.zip; - for standard output).") var destination: String?
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let client = try options.client()
            let id = try await ExecutionView.executionID(execution, of: pipeline, client: client)
            let details = try await client.perform(
                .listActionExecutions, ListActionExecutionsInput(pipelineName: pipeline, filter: .init(pipelineExecutionId: id)),
                as: ListActionExecutionsOutput.self).actionExecutionDetails
            guard let found = details.lazy.compactMap({ $0.output.outputArtifacts.first { $0.name == artifact } }).first, let hex = found.digestHex else {
                throw ClientFailure(description: "execution \(id) of \(pipeline) has no output artifact named \(artifact)")
            }
            let downloaded: URL
            do {
                downloaded = try await client.download("/\(found.s3location.bucket)/\(found.s3location.key)").file
            } catch {
                throw ClientFailure(description: error.description)
            }
            defer { try? FileManager.default.removeItem(at: downloaded) }
            let actual = try Self.sha256(of: downloaded)
            guard actual == hex else {
                throw ClientFailure(description: "artifact \(artifact) arrived corrupt: expected sha256:\(hex), got sha256:\(actual)")
            }
            if destination == "-" {
                FileHandle.standardOutput.write(try Data(contentsOf: downloaded))
                return
            }
            let file = URL(fileURLWithPath: destination ?? "\(artifact).zip")
            try? FileManager.default.removeItem(at: file)
            try FileManager.default.moveItem(at: downloaded, to: file)
            if options.output == .json { return try printJSON(["path": file.path, "sha256": hex]) }
            print("\(file.path) sha256:\(hex)")
        }

        /// Hashes the file in 1 MiB reads: artifacts can be large.
        static func sha256(of file: URL) throws -> String {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            var hasher = SHA256()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            return ArtifactDigest(hasher.finalize()).hex
        }
    }

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
