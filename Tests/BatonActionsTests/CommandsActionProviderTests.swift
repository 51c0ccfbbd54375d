import BatonModel
import BatonWorker
import Foundation
import Logging
import Testing
import ZIPFoundation
@testable import BatonActions

@Suite final class CommandsActionProviderTests {
    /// Each test's own folder, removed when the test ends.
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-actions-\(UUID().uuidString.prefix(8))")

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A job directory with `inputs` zipped as input artifacts.
    func context(commands: [String], inputs: [String: [String: String]] = [:], outputs: [OutputArtifact] = [], variables: [String]? = nil) throws -> JobContext {
        let work = root.appendingPathComponent("src")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var archives: [String: URL] = [:]
        var artifacts: [JobArtifact] = []
        for (name, files) in inputs.sorted(by: { $0.key < $1.key }) {
            let archive = root.appendingPathComponent("\(name).zip")
            try TestArchives.zip(files, in: root.appendingPathComponent("input-\(name)"), to: archive)
            archives[name] = archive
            artifacts.append(JobArtifact(name: name))
        }
        let data = JobData(
            actionTypeId: .commands, configuration: [:],
            pipelineContext: PipelineContext(pipelineName: "p", stageName: "s", actionName: "a", actionExecutionID: ActionExecutionID(rawValue: "x"), executionID: ExecutionID(rawValue: "e")),
            inputArtifacts: artifacts, outputArtifacts: outputs.map(JobArtifact.output), commands: commands, outputVariables: variables)
        return JobContext(jobID: JobID(rawValue: "j"), data: data, workDirectory: work, inputs: archives, outputDirectory: out, logger: Logger(label: "test"), log: { _ in })
    }

    @Test func commandsRunInOrderInTheUnpackedPrimaryInputAndProduceOutputs() async throws {
        let job = try context(
            commands: ["cat in.txt > copy.txt", "mkdir -p dist && echo built > dist/app", "export VERSION=1.2.3", "cat \"$CODEBUILD_SRC_DIR_Second/other.txt\" >> copy.txt"],
            inputs: ["First": ["in.txt": "first\n"], "Second": ["other.txt": "second\n"]],
            outputs: [OutputArtifact(name: "Dist", files: ["dist/**"]), OutputArtifact(name: "Copy", files: ["copy.txt"])],
            variables: ["VERSION", "UNSET"])
        let result = try await CommandsActionProvider().run(job)
        guard case .succeeded(let products) = result else { Issue.record("expected success, got \(result)"); return }
        #expect(products.variables == ["VERSION": "1.2.3", "UNSET": ""])
        #expect(products.summary == "Ran 4 commands")
        let dist = try Archive(url: try #require(products.artifacts["Dist"]), accessMode: .read)
        #expect(dist.map(\.path) == ["dist/app"])
        #expect(try String(contentsOf: job.workDirectory.appendingPathComponent("copy.txt"), encoding: .utf8) == "first\nsecond\n")
    }

    @Test func theFirstFailingCommandStopsTheActionAndIsNamed() async throws {
        let job = try context(commands: ["echo one", "false", "touch never"])
        let result = try await CommandsActionProvider().run(job)
        guard case .failed(let failure) = result else { Issue.record("expected failure"); return }
        #expect(failure.type == .jobFailed)
        #expect(failure.message.hasPrefix("Error while executing command: false. Reason: exit status 1"))
        #expect(failure.message.contains("[Container] Running command echo one"))
        #expect(!FileManager.default.fileExists(atPath: job.workDirectory.appendingPathComponent("never").path))
    }

    @Test func aJobWithAnUnusableVariableOrArtifactNameFailsClearly() async throws {
        let base = try context(commands: ["true"])
        var data = base.data
        data.environmentVariables = [EnvironmentVariable(name: "A=B", value: "x")]
        let (work, out) = (base.workDirectory, base.outputDirectory)
        let job = JobContext(jobID: base.jobID, data: data, workDirectory: work, inputs: [:], outputDirectory: out, logger: base.logger, log: base.log)
        guard case .failed(let failure) = try await CommandsActionProvider().run(job) else { Issue.record("expected failure"); return }
        #expect(failure.type == .configurationError)
        #expect(failure.message.contains("'A=B' is not a valid artifact or environment variable name"))
    }

    @Test func anOutputWhoseGlobsMatchNothingFailsTheAction() async throws {
        let job = try context(commands: ["true"], outputs: [OutputArtifact(name: "Out", files: ["dist/**"])])
        guard case .failed(let failure) = try await CommandsActionProvider().run(job) else { Issue.record("expected failure"); return }
        #expect(failure.message.contains("No files in the work directory match output artifact Out"))
    }

    @Test func anArchiveEntryEscapingTheWorkDirectoryIsRefused() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let archiveURL = root.appendingPathComponent("evil.zip")
        let archive = try Archive(url: archiveURL, accessMode: .create)
        let payload = Data("owned".utf8)
        try archive.addEntry(with: "../escaped.txt", type: .file, uncompressedSize: Int64(payload.count)) { position, size in
            payload.subdata(in: Int(position)..<Int(position) + size)
        }
        let destination = root.appendingPathComponent("work")
        #expect(throws: ZipArchives.Failure.self) { try ZipArchives.extract(archiveURL, name: "Evil", into: destination) }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("escaped.txt").path))
    }

    @Test func theS3SourceReportsAMissingObjectAsRevisionUnavailable() async throws {
        let buckets = root.appendingPathComponent("buckets")
        let base = try context(commands: [], outputs: [OutputArtifact(name: "Src")])
        let (work, out) = (base.workDirectory, base.outputDirectory)
        let job = JobContext(
            jobID: base.jobID,
            data: JobData(actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"),
                          configuration: ["S3Bucket": "b", "S3ObjectKey": "missing.zip"], pipelineContext: base.data.pipelineContext,
                          inputArtifacts: [], outputArtifacts: [JobArtifact(name: "Src")]),
            workDirectory: work, inputs: [:], outputDirectory: out, logger: base.logger, log: base.log)
        guard case .failed(let failure) = try await S3SourceProvider(bucketRoot: buckets).run(job) else { Issue.record("expected failure"); return }
        #expect(failure.type == .revisionUnavailable)
        #expect(failure.message.contains("The object missing.zip does not exist in bucket b"))
    }
}
