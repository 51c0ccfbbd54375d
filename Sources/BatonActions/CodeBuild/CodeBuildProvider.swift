import BatonModel
import BatonWorker
import Foundation

/// CodePipeline's `CodeBuild` action (Build and Test categories) as a local process: reads the
/// buildspec (the `BuildSpec` configuration, inline YAML or a path, or `buildspec.yml` in the
/// primary source), runs its phases in a fresh work directory holding the primary input, and
/// zips its `artifacts` into the action's output artifacts. JUnit `reports` are counted into the
/// summary; `exported-variables` become output variables. See docs/actions.md.
package struct CodeBuildProvider: ActionProvider {
    package let actionTypes = ["Build", "Test"].map { ActionTypeID(category: $0, owner: "AWS", provider: "CodeBuild", version: "1") }
    /// The Parameter Store and Secrets Manager stand-in; nil: none configured.
    package let secretsFile: URL?

    package init(secretsFile: URL? = nil) {
        self.secretsFile = secretsFile
    }

    package func run(_ job: JobContext) async throws -> ActionResult {
        let configuration = job.data.actionConfiguration.configuration
        let project = configuration["ProjectName"] ?? job.data.pipelineContext.action.name
        let primary = configuration["PrimarySource"] ?? job.data.inputArtifacts.first?.name
        if let primary, !job.data.inputArtifacts.contains(where: { $0.name == primary }) {
            return .failed(FailureDetails(type: .configurationError, message: "PrimarySource \(primary) is not one of the action's input artifacts"))
        }
        if let bad = job.data.inputArtifacts.map(\.name).first(where: { !JobShell.isPlainName($0) }) {
            return .failed(FailureDetails(type: .configurationError, message: "'\(bad)' is not a valid artifact name (letters, digits, '_' and '-' only)"))
        }

        var environment = JobShell.pipelineEnvironment(job)
        do {
            environment.merge(try await JobShell.unpackInputs(job, primary: primary)) { $1 }
        } catch {
            return .failed(FailureDetails(type: .jobFailed, message: "DOWNLOAD_SOURCE: \(error)"))
        }
        let source = job.workDirectory

        let spec: Buildspec
        do {
            spec = try Self.buildspec(configuration["BuildSpec"], in: source)
        } catch {
            return .failed(FailureDetails(type: .jobFailed, message: "YAML_FILE_ERROR: \(error)"))
        }

        let buildID = "\(project):\(UUID().uuidString.lowercased())"
        let revision = job.data.inputArtifacts.first { $0.name == primary }?.revision
        environment.merge([
            "CODEBUILD_BUILD_ID": buildID,
            "CODEBUILD_BUILD_ARN": "arn:aws:codebuild:local:000000000000:build/\(buildID)",
            "CODEBUILD_INITIATOR": "codepipeline/\(job.data.pipelineContext.pipelineName)",
            "CODEBUILD_BUILD_IMAGE": "baton/local-process",
            "CODEBUILD_START_TIME": "\(Int64(Date().timeIntervalSince1970 * 1000))",
            "CODEBUILD_SOURCE_VERSION": revision ?? "",
            "CODEBUILD_RESOLVED_SOURCE_VERSION": revision ?? "",
        ]) { $1 }
        do {
            environment.merge(try resolveVariables(spec, configuration: configuration["EnvironmentVariables"])) { $1 }
        } catch {
            return .failed(FailureDetails(type: .configurationError, message: "\(error)"))
        }

        let control = job.outputDirectory.appendingPathComponent("control")
        try FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
        let script = control.appendingPathComponent("build.sh")
        try BuildScript.make(spec, control: control).write(to: script, atomically: true, encoding: .utf8)
        job.log("[Container] Running \(project) (buildspec \(configuration["BuildSpec"].map { $0.contains("\n") ? "inline" : $0 } ?? "buildspec.yml")) in \(source.path)\n")

        let outcome = try await JobShell.run(script, environment: environment, in: source, job: job)
        var variables: [String: String] = [:]
        for name in spec.exportedVariables {
            variables[name] = try? String(contentsOf: control.appendingPathComponent("var.\(name)"), encoding: .utf8)
        }
        let counted = Result { try Self.countReports(spec, in: source, log: job.log) }
        let reports = (try? counted.get()) ?? ""

        guard outcome.succeeded else {
            let failed = (try? String(contentsOf: control.appendingPathComponent("failed"), encoding: .utf8))?
                .split(separator: "\n").first.map { $0.split(separator: "\t", maxSplits: 2).map(String.init) }
            let phase = failed?.first ?? (try? String(contentsOf: control.appendingPathComponent("phase"), encoding: .utf8)) ?? "BUILD"
            let what = failed.flatMap { $0.count == 3 ? "Error while executing command: \($0[1]). Reason: exit status \($0[2])" : nil }
                ?? "The build ended: \(outcome.reason)"
            let reportText = reports.isEmpty ? "" : " Reports: \(reports)."
            return .failed(FailureDetails(type: .jobFailed, message: "COMMAND_EXECUTION_ERROR in phase \(phase): \(what).\(reportText)\n\(outcome.tail)"))
        }

        if case .failure(let error) = counted {
            return .failed(FailureDetails(type: .jobFailed, message: "UPLOAD_ARTIFACTS: \(error)"))
        }
        var artifacts: [String: URL] = [:]
        for (index, output) in job.data.outputArtifacts.enumerated() {
            guard let section = spec.secondaryArtifacts[output.name] ?? (index == 0 ? spec.artifacts : nil) else {
                return .failed(FailureDetails(
                    type: .jobFailed,
                    message: "UPLOAD_ARTIFACTS: the buildspec has no artifacts for output artifact \(output.name): the first output takes `artifacts`, every other one needs a secondary-artifacts entry named \(output.name)"))
            }
            do {
                let archive = job.outputDirectory.appendingPathComponent("\(output.name).zip")
                try await runBlocking { try Self.zip(section, from: source, into: archive, name: output.name) }
                artifacts[output.name] = archive
            } catch {
                return .failed(FailureDetails(type: .jobFailed, message: "UPLOAD_ARTIFACTS: \(error)"))
            }
        }
        let phases = Buildspec.phaseNames.filter { spec.phases[$0] != nil }.count
        return .succeeded(ActionProducts(
            artifacts: artifacts, variables: variables,
            summary: "Build \(project) succeeded (\(phases) phase\(phases == 1 ? "" : "s"))" + (reports.isEmpty ? "" : ". Reports: \(reports)")))
    }

    /// The buildspec: inline YAML or a path in the source from `BuildSpec`, else `buildspec.yml`.
    static func buildspec(_ override: String?, in source: URL) throws -> Buildspec {
        if let override, override.contains("\n") || override.hasPrefix("version") {
            return try Buildspec(yaml: override, source: "the BuildSpec configuration")
        }
        let path = override ?? "buildspec.yml"
        let file = source.appendingPathComponent(path).standardizedFileURL
        guard file.path.hasPrefix(source.standardizedFileURL.path + "/") else {
            throw Buildspec.Problem(source: path, path: "", message: "is outside the source")
        }
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw Buildspec.Problem(source: path, path: "", message: "not found in the primary source artifact")
        }
        return try Buildspec(yaml: text, source: path)
    }

    /// Buildspec `env` variables, Parameter Store and Secrets Manager entries, then the action's
    /// `EnvironmentVariables` (which win, as pipeline overrides do in CodeBuild).
    func resolveVariables(_ spec: Buildspec, configuration: String?) throws -> [String: String] {
        let secrets = try LocalSecrets(file: secretsFile)
        var environment: [String: String] = [:]
        for (name, value) in spec.variables { environment[name] = value }
        for (name, parameter) in spec.parameterStore { environment[name] = try secrets.parameter(parameter) }
        for (name, reference) in spec.secretsManager { environment[name] = try secrets.secret(reference) }
        guard let configuration else { return environment }
        struct Entry: Decodable {
            let name: String
            let value: String
            let type: String?
        }
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: Data(configuration.utf8))
        } catch {
            throw LocalSecrets.Missing(description: "EnvironmentVariables must be a JSON list of {\"name\", \"value\", \"type\"}: \(error)")
        }
        for entry in entries {
            switch entry.type ?? "PLAINTEXT" {
            case "PLAINTEXT": environment[entry.name] = entry.value
            case "PARAMETER_STORE": environment[entry.name] = try secrets.parameter(entry.value)
            case "SECRETS_MANAGER": environment[entry.name] = try secrets.secret(entry.value)
            case let other: throw LocalSecrets.Missing(description: "EnvironmentVariables \(entry.name) has type \(other); expected PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER")
            }
        }
        return environment
    }

    struct NoFiles: Error, CustomStringConvertible {
        let description: String
    }

    /// Zips the files an `artifacts` section selects: `files` globs under `base-directory`, less
    /// `exclude-paths`, flattened with `discard-paths`.
    static func zip(_ section: Buildspec.Artifacts, from source: URL, into archive: URL, name: String) throws {
        let base = section.baseDirectory.map { source.appendingPathComponent($0) } ?? source
        let selected = ZipArchives.files(under: base, matching: section.files, excluding: section.excludePaths)
        guard !selected.isEmpty else {
            throw NoFiles(description: "no files under \(section.baseDirectory ?? ".") match \(section.files) for output artifact \(name)")
        }
        let entries = selected.map { path in
            (name: section.discardPaths ? (path.split(separator: "/").last.map(String.init) ?? path) : path, file: base.appendingPathComponent(path))
        }
        try ZipArchives.create(archive, entries: entries)
    }

    /// Most of one report file copied into the job's log.
    static let reportLogLimit = 256 << 10

    /// "unit: 12 passed, 1 failed; lint: 3 passed" for the report groups that found files. Each
    /// report file is also copied into the job's log (up to `reportLogLimit` bytes), so the log
    /// artifact keeps the reports with the build that made them.
    static func countReports(_ spec: Buildspec, in source: URL, log: (String) -> Void = { _ in }) throws -> String {
        var parts: [String] = []
        for (group, report) in spec.reports {
            let base = report.baseDirectory.map { source.appendingPathComponent($0) } ?? source
            let files = ZipArchives.files(under: base, matching: report.files)
            guard !files.isEmpty else { continue }
            var total = JUnitReport()
            for file in files {
                let url = base.appendingPathComponent(file)
                let counts = try JUnitReport.read(url)
                total = total + counts
                let text = (try? Data(contentsOf: url)).map { String(decoding: $0.prefix(reportLogLimit), as: UTF8.self) } ?? ""
                log("[Container] Report group \(group): \(file) (\(counts.passed) passed, \(counts.failed) failed, \(counts.skipped) skipped)\n\(text)\n")
            }
            var text = "\(group) \(total.passed) passed, \(total.failed) failed"
            if total.skipped > 0 { text += ", \(total.skipped) skipped" }
            parts.append(text)
        }
        return parts.joined(separator: "; ")
    }
}
