import BatonModel
import BatonWorker
import Foundation
import Subprocess
import SystemPackage

/// CodePipeline's Compute `Commands` action: runs the `commands` list in order under `/bin/sh`
/// in the job's work directory, which holds the primary (first) input artifact unpacked; other
/// inputs are unpacked beside it and named by `CODEBUILD_SRC_DIR_<name>`, as CodeBuild does.
/// The first failing command fails the action. Output artifacts are the work-directory files
/// matching each artifact's `files` globs; `outputVariables` are read from the environment the
/// commands leave behind.
package struct CommandsActionProvider: ActionProvider {
    package let actionTypes = [ActionTypeID.commands]
    /// Most output kept for a failure message.
    static let failureTail = 20
    static let failureTailBytes = 16 << 10

    package init() {}

    package func run(_ job: JobContext) async throws -> ActionResult {
        guard let commands = job.data.commands, !commands.isEmpty else {
            return .failed(FailureDetails(type: .configurationError, message: "The Commands action has no commands to run"))
        }
        // Names arrive over the wire: refuse any that could not be an environment variable or a
        // folder name, rather than build a broken environment or a path outside the job.
        let names = job.data.inputArtifacts.map(\.name) + (job.data.environmentVariables ?? []).map(\.name)
        if let bad = names.first(where: { !Self.isPlainName($0) }) {
            return .failed(FailureDetails(type: .configurationError, message: "'\(bad)' is not a valid artifact or environment variable name (letters, digits, '_' and '-' only)"))
        }
        var environment: [String: String] = [
            "CODEBUILD_SRC_DIR": job.workDirectory.path,
            "CODEPIPELINE_PIPELINE_NAME": job.data.pipelineContext.pipelineName,
            "CODEPIPELINE_EXECUTION_ID": job.data.pipelineContext.pipelineExecutionId.rawValue,
            "CODEPIPELINE_STAGE_NAME": job.data.pipelineContext.stage.name,
            "CODEPIPELINE_ACTION_NAME": job.data.pipelineContext.action.name,
            "CODEPIPELINE_JOB_ID": job.jobID.rawValue,
        ]
        for (index, artifact) in job.data.inputArtifacts.enumerated() {
            guard let archive = job.inputs[artifact.name] else { continue }
            let destination = index == 0
                ? job.workDirectory
                : job.workDirectory.deletingLastPathComponent().appendingPathComponent("src_\(artifact.name)")
            do {
                try await runBlocking { try ZipArchives.extract(archive, name: artifact.name, into: destination) }
            } catch {
                return .failed(FailureDetails(type: .jobFailed, message: "\(error)"))
            }
            if index > 0 { environment["CODEBUILD_SRC_DIR_\(artifact.name)"] = destination.path }
        }
        for variable in job.data.environmentVariables ?? [] {
            environment[variable.name] = variable.value
        }

        let control = job.outputDirectory.appendingPathComponent("control")
        try FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
        let script = control.appendingPathComponent("commands.sh")
        try Self.script(commands: commands, outputVariables: job.data.outputVariables ?? [], control: control)
            .write(to: script, atomically: true, encoding: .utf8)

        // The child gets its own process group, so a cancelled job's teardown reaches it.
        var platform = PlatformOptions()
        platform.processGroupID = 0
        let result = try await Subprocess.run(
            .path("/bin/sh"),
            arguments: [script.path],
            environment: .inherit.updating(Dictionary(uniqueKeysWithValues: environment.compactMap { name, value in
                Environment.Key(rawValue: name).map { ($0, Optional(value)) }
            })),
            workingDirectory: .init(job.workDirectory.path),
            platformOptions: platform,
            input: .none,
            output: .sequence,
            error: .combinedWithOutput
        ) { execution in
            // Output goes to the job's log as it comes; only the tail is kept for a failure message.
            var tail: [UInt8] = []
            for try await buffer in execution.standardOutput {
                let bytes = buffer.withUnsafeBytes { Array($0) }
                job.log(bytes)
                tail += bytes
                if tail.count > Self.failureTailBytes * 2 { tail.removeFirst(tail.count - Self.failureTailBytes) }
            }
            return String(decoding: tail, as: UTF8.self)
        }
        let output = result.closureResult
        guard case .exited(0) = result.terminationStatus else {
            let failedIndex = (try? String(contentsOf: control.appendingPathComponent("current"), encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let command = failedIndex.flatMap { commands.indices.contains($0) ? commands[$0] : nil }
            let reason: String = switch result.terminationStatus {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
            let tail = output.split(separator: "\n", omittingEmptySubsequences: false).suffix(Self.failureTail).joined(separator: "\n")
            let what = command.map { "Error while executing command: \($0). Reason: \(reason)" } ?? "The commands failed: \(reason)"
            return .failed(FailureDetails(type: .jobFailed, message: "\(what)\n\(tail)"))
        }

        var variables: [String: String] = [:]
        for name in job.data.outputVariables ?? [] {
            variables[name] = try? String(contentsOf: control.appendingPathComponent("var.\(name)"), encoding: .utf8)
        }
        var artifacts: [String: URL] = [:]
        let workDirectory = job.workDirectory
        let allFiles = try await runBlocking { ZipArchives.files(under: workDirectory) }
        for output in job.data.outputArtifacts {
            let patterns = (output.files ?? ["**/*"]).map(GlobPattern.init)
            let selected = allFiles.filter { path in patterns.contains { $0.matches(path) } }
            guard !selected.isEmpty else {
                return .failed(FailureDetails(
                    type: .jobFailed,
                    message: "No files in the work directory match output artifact \(output.name)'s files \(output.files ?? ["**/*"])"))
            }
            let archive = job.outputDirectory.appendingPathComponent("\(output.name).zip")
            try await runBlocking { try ZipArchives.create(archive, from: workDirectory, paths: selected) }
            artifacts[output.name] = archive
        }
        return .succeeded(ActionProducts(
            artifacts: artifacts, variables: variables,
            summary: "Ran \(commands.count) command\(commands.count == 1 ? "" : "s")"))
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    /// One shell script: each command announced as CodeBuild does and its index written to
    /// `control/current` (so a failure, even an `exit`, is attributed to it), stopped at the first
    /// failure, then the output variables saved.
    static func script(commands: [String], outputVariables: [String], control: URL) -> String {
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var lines = ["# Generated by baton for a Commands action."]
        for (index, command) in commands.enumerated() {
            lines.append("echo \(index) > \(quoted(control.appendingPathComponent("current").path))")
            lines.append("printf '[Container] Running command %s\\n' \(quoted(command))")
            lines.append(command)
            lines.append("__baton_status=$?")
            lines.append("if [ $__baton_status -ne 0 ]; then exit $__baton_status; fi")
        }
        for name in outputVariables where name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            lines.append("printf '%s' \"${\(name)-}\" > \(quoted(control.appendingPathComponent("var.\(name)").path))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
