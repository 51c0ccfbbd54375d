import BatonModel
import BatonWorker
import Foundation
import Subprocess
import SystemPackage

/// What the `Commands` and `CodeBuild` actions share: unpacking input artifacts the way CodeBuild
/// lays them out, and running a generated shell script with its output streamed to the job's log.
enum JobShell {
    /// Most output kept for a failure message.
    static let failureTailLines = 20
    static let failureTailBytes = 16 << 10

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Unpacks `primary` (default: the first input) into the work directory and every other input
    /// beside it; returns `CODEBUILD_SRC_DIR` and a `CODEBUILD_SRC_DIR_<name>` per secondary input.
    static func unpackInputs(_ job: JobContext, primary: String? = nil) async throws -> [String: String] {
        let primaryName = primary ?? job.data.inputArtifacts.first?.name
        var environment = ["CODEBUILD_SRC_DIR": job.workDirectory.path]
        for artifact in job.data.inputArtifacts {
            guard let archive = job.inputs[artifact.name] else { continue }
            let isPrimary = artifact.name == primaryName
            let destination = isPrimary
                ? job.workDirectory
                : job.workDirectory.deletingLastPathComponent().appendingPathComponent("src_\(artifact.name)")
            try await runBlocking { try ZipArchives.extract(archive, name: artifact.name, into: destination) }
            if !isPrimary { environment["CODEBUILD_SRC_DIR_\(artifact.name)"] = destination.path }
        }
        return environment
    }

    /// The pipeline context every action's shell sees.
    static func pipelineEnvironment(_ job: JobContext) -> [String: String] {
        [
            "CODEPIPELINE_PIPELINE_NAME": job.data.pipelineContext.pipelineName,
            "CODEPIPELINE_EXECUTION_ID": job.data.pipelineContext.pipelineExecutionId.rawValue,
            "CODEPIPELINE_STAGE_NAME": job.data.pipelineContext.stage.name,
            "CODEPIPELINE_ACTION_NAME": job.data.pipelineContext.action.name,
            "CODEPIPELINE_JOB_ID": job.jobID.rawValue,
        ]
    }

    struct Outcome {
        let status: TerminationStatus
        /// The last lines of output, for a failure message.
        let tail: String

        var succeeded: Bool {
            if case .exited(0) = status { return true }
            return false
        }

        var reason: String {
            switch status {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Runs `/bin/sh script` in `directory` in a process group of its own (so a cancelled job's
    /// teardown reaches every child), its output going to the job's log as it comes.
    static func run(_ script: URL, environment: [String: String], in directory: URL, job: JobContext) async throws -> Outcome {
        var platform = PlatformOptions()
        platform.processGroupID = 0
        let result = try await Subprocess.run(
            .path("/bin/sh"),
            arguments: [script.path],
            environment: .inherit.updating(Dictionary(uniqueKeysWithValues: environment.compactMap { name, value in
                Environment.Key(rawValue: name).map { ($0, Optional(value)) }
            })),
            workingDirectory: .init(directory.path),
            platformOptions: platform,
            input: .none,
            output: .sequence,
            error: .combinedWithOutput
        ) { execution in
            var tail: [UInt8] = []
            for try await buffer in execution.standardOutput {
                let bytes = buffer.withUnsafeBytes { Array($0) }
                job.log(bytes)
                tail += bytes
                if tail.count > failureTailBytes * 2 { tail.removeFirst(tail.count - failureTailBytes) }
            }
            return String(decoding: tail, as: UTF8.self)
        }
        let lines = result.closureResult.split(separator: "\n", omittingEmptySubsequences: false).suffix(failureTailLines)
        return Outcome(status: result.terminationStatus, tail: lines.joined(separator: "\n"))
    }
}
