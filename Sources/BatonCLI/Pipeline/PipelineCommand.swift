import ArgumentParser
import BatonAPI
import BatonModel
import Foundation

struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Create, update, show, list and delete pipelines.",
        subcommands: [Create.self, Update.self, Get.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a pipeline from a CodePipeline JSON declaration.")
        @Option(name: .shortAndLong, help: "The declaration: a pipeline, {\"pipeline\": …}, or get-pipeline output.")
        var file: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let declaration = try loadDeclaration(file)
            let output = try await options.client().perform(.createPipeline, CreatePipelineInput(pipeline: declaration), as: CreatePipelineOutput.self)
            if options.output == .json { return try printJSON(output) }
            print("created pipeline \(output.pipeline.name) (version \(output.pipeline.version ?? 1))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a pipeline's declaration; its version goes up by one.")
        @Option(name: .shortAndLong, help: "The declaration: a pipeline, {\"pipeline\": …}, or get-pipeline output.")
        var file: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let declaration = try loadDeclaration(file)
            let output = try await options.client().perform(.updatePipeline, UpdatePipelineInput(pipeline: declaration), as: UpdatePipelineOutput.self)
            if options.output == .json { return try printJSON(output) }
            print("updated pipeline \(output.pipeline.name) (version \(output.pipeline.version ?? 1))")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a pipeline's declaration as get-pipeline does (JSON), or as YAML.")
        @Argument(help: "The pipeline's name.") var name: String
        @Option(help: "A past version.") var version: Int?
        @Flag(help: "Print the declaration as YAML (the same keys), ready for a pipeline.yml.") var yaml = false
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let output = try await options.client().perform(.getPipeline, GetPipelineInput(name: name, version: version), as: GetPipelineOutput.self)
            if yaml { return print(PipelineDocument.encode(output.pipeline, as: .yaml), terminator: "") }
            try printJSON(output)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pipelines.")
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let client = try options.client()
            var all: [PipelineSummary] = []
            var token: String?
            repeat {
                let page = try await client.perform(.listPipelines, ListPipelinesInput(nextToken: token), as: ListPipelinesOutput.self)
                all += page.pipelines
                token = page.nextToken
            } while token != nil
            if options.output == .json { return try printJSON(ListPipelinesOutput(pipelines: all)) }
            for pipeline in all { print("\(pipeline.name)\tversion \(pipeline.version)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a pipeline.")
        @Argument(help: "The pipeline's name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            _ = try await options.client().perform(.deletePipeline, DeletePipelineInput(name: name), as: EmptyOutput.self)
            if options.output == .json { return try printJSON(["name": name, "deleted": "true"]) }
            print("deleted pipeline \(name)")
        }
    }
}

/// Reads a declaration as CodePipeline writes one — the bare pipeline, `{"pipeline": …}`, or
/// `get-pipeline` output — in JSON or YAML (by extension, else by content).
func loadDeclaration(_ path: String) throws -> PipelineDeclaration {
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
    do {
        return try PipelineDocument.decode(data, format: PipelineDocument.Format(path: path))
    } catch {
        throw ValidationError("\(path): \(error)")
    }
}
