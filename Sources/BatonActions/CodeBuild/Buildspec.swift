import Foundation
import Yams

/// A CodeBuild buildspec, version 0.2: what a `CodeBuild` action runs.
struct Buildspec: Equatable {
    enum OnFailure: String, Equatable { case abort = "ABORT", `continue` = "CONTINUE" }

    struct Phase: Equatable {
        var commands: [String] = []
        var finally: [String] = []
        var onFailure: OnFailure = .abort
    }

    struct Artifacts: Equatable {
        var files: [String] = []
        var name: String?
        var discardPaths = false
        var baseDirectory: String?
        var excludePaths: [String] = []
    }

    struct Report: Equatable {
        var files: [String] = []
        var baseDirectory: String?
        var fileFormat = "JUNITXML"
        var discardPaths = false
    }

    static let phaseNames = ["install", "pre_build", "build", "post_build"]

    var variables: [(String, String)] = []
    var parameterStore: [(String, String)] = []
    var secretsManager: [(String, String)] = []
    var exportedVariables: [String] = []
    var phases: [String: Phase] = [:]
    var artifacts: Artifacts?
    var secondaryArtifacts: [String: Artifacts] = [:]
    var reports: [(String, Report)] = []

    static func == (lhs: Buildspec, rhs: Buildspec) -> Bool {
        lhs.variables.map { [$0.0, $0.1] } == rhs.variables.map { [$0.0, $0.1] }
            && lhs.exportedVariables == rhs.exportedVariables && lhs.phases == rhs.phases
            && lhs.artifacts == rhs.artifacts && lhs.secondaryArtifacts == rhs.secondaryArtifacts
            && lhs.reports.map(\.0) == rhs.reports.map(\.0) && lhs.reports.map(\.1) == rhs.reports.map(\.1)
    }

    /// A buildspec that cannot be used, with where in it (`phases.build.commands[1]`) and why.
    struct Problem: Error, CustomStringConvertible {
        let source: String
        let path: String
        let message: String

        var description: String { path.isEmpty ? "\(source): \(message)" : "\(source): \(path): \(message)" }
    }

    /// Parses YAML text; `source` names it in errors (`buildspec.yml`, `the BuildSpec configuration`).
    init(yaml text: String, source: String) throws(Problem) {
        func problem(_ path: String, _ message: String) -> Problem { Problem(source: source, path: path, message: message) }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw problem("", "not valid YAML: \(error)")
        }
        guard let top = root as? [String: Any] else { throw problem("", "must be a YAML mapping with version and phases") }
        let version = top["version"].map { "\($0)" }
        guard version == "0.2" || version == "0.1" else {
            throw problem("version", "must be 0.2, not \(version ?? "missing")")
        }
        let known = Set(["version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"])
        if let unknown = top.keys.sorted().first(where: { !known.contains($0) }) {
            throw problem(unknown, "is not a buildspec key (expected one of \(known.sorted().joined(separator: ", ")))")
        }

        if let env = top["env"] {
            guard let env = env as? [String: Any] else { throw problem("env", "must be a mapping") }
            variables = try Self.pairs(env["variables"], at: "env.variables", problem)
            parameterStore = try Self.pairs(env["parameter-store"], at: "env.parameter-store", problem)
            secretsManager = try Self.pairs(env["secrets-manager"], at: "env.secrets-manager", problem)
            exportedVariables = try Self.strings(env["exported-variables"], at: "env.exported-variables", problem)
        }

        if let phases = top["phases"] {
            guard let phases = phases as? [String: Any] else { throw problem("phases", "must be a mapping of phase names") }
            for (name, body) in phases {
                guard Self.phaseNames.contains(name) else {
                    throw problem("phases.\(name)", "is not a phase (expected \(Self.phaseNames.joined(separator: ", ")))")
                }
                guard let body = body as? [String: Any] else { throw problem("phases.\(name)", "must be a mapping with commands") }
                var phase = Phase()
                phase.commands = try Self.strings(body["commands"], at: "phases.\(name).commands", problem)
                phase.finally = try Self.strings(body["finally"], at: "phases.\(name).finally", problem)
                if let value = body["on-failure"] {
                    guard let onFailure = OnFailure(rawValue: "\(value)".uppercased()) else {
                        throw problem("phases.\(name).on-failure", "must be ABORT or CONTINUE, not \(value)")
                    }
                    phase.onFailure = onFailure
                }
                self.phases[name] = phase
            }
        }

        if let artifacts = top["artifacts"] {
            guard let section = artifacts as? [String: Any] else { throw problem("artifacts", "must be a mapping") }
            if section["files"] != nil {
                self.artifacts = try Self.artifacts(section, at: "artifacts", problem)
            }
            if let secondary = section["secondary-artifacts"] {
                guard let secondary = secondary as? [String: Any] else { throw problem("artifacts.secondary-artifacts", "must be a mapping of artifact identifiers") }
                for (identifier, body) in secondary {
                    guard let body = body as? [String: Any] else { throw problem("artifacts.secondary-artifacts.\(identifier)", "must be a mapping with files") }
                    secondaryArtifacts[identifier] = try Self.artifacts(body, at: "artifacts.secondary-artifacts.\(identifier)", problem)
                }
            }
        }

        if let reports = top["reports"] {
            guard let reports = reports as? [String: Any] else { throw problem("reports", "must be a mapping of report group names") }
            for (group, body) in reports.sorted(by: { $0.key < $1.key }) {
                guard let body = body as? [String: Any] else { throw problem("reports.\(group)", "must be a mapping with files") }
                var report = Report()
                report.files = try Self.strings(body["files"], at: "reports.\(group).files", problem)
                report.baseDirectory = body["base-directory"].map { "\($0)" }
                report.discardPaths = Self.yes(body["discard-paths"])
                if let format = body["file-format"] {
                    report.fileFormat = "\(format)".uppercased()
                    guard ["JUNITXML"].contains(report.fileFormat) else {
                        throw problem("reports.\(group).file-format", "\(format) is not read by Baton (JUNITXML is)")
                    }
                }
                self.reports.append((group, report))
            }
        }
    }

    private static func artifacts(_ body: [String: Any], at path: String, _ problem: (String, String) -> Problem) throws(Problem) -> Artifacts {
        var artifacts = Artifacts()
        artifacts.files = try strings(body["files"], at: "\(path).files", problem)
        guard !artifacts.files.isEmpty else { throw problem("\(path).files", "must list at least one path or pattern") }
        artifacts.name = body["name"].map { "\($0)" }
        artifacts.discardPaths = yes(body["discard-paths"])
        artifacts.baseDirectory = body["base-directory"].map { "\($0)" }
        artifacts.excludePaths = try strings(body["exclude-paths"], at: "\(path).exclude-paths", problem)
        return artifacts
    }

    /// `yes`/`true` (YAML reads both as booleans or strings).
    private static func yes(_ value: Any?) -> Bool {
        guard let value else { return false }
        if let flag = value as? Bool { return flag }
        return ["yes", "true"].contains("\(value)".lowercased())
    }

    /// A list of strings, or one string; scalars (numbers, booleans) as their text.
    private static func strings(_ value: Any?, at path: String, _ problem: (String, String) -> Problem) throws(Problem) -> [String] {
        guard let value else { return [] }
        if let list = value as? [Any] {
            var result: [String] = []
            for (index, item) in list.enumerated() {
                guard !(item is [Any]), !(item is [String: Any]) else {
                    throw problem("\(path)[\(index)]", "must be a string (quote a command that contains ': ')")
                }
                result.append("\(item)")
            }
            return result
        }
        guard !(value is [String: Any]) else { throw problem(path, "must be a list of strings") }
        return ["\(value)"]
    }

    /// A mapping of names to scalar values, in name order.
    private static func pairs(_ value: Any?, at path: String, _ problem: (String, String) -> Problem) throws(Problem) -> [(String, String)] {
        guard let value else { return [] }
        guard let mapping = value as? [String: Any] else { throw problem(path, "must be a mapping of names to values") }
        var result: [(String, String)] = []
        for (name, item) in mapping.sorted(by: { $0.key < $1.key }) {
            guard !(item is [Any]), !(item is [String: Any]) else { throw problem("\(path).\(name)", "must be a single value") }
            result.append((name, "\(item)"))
        }
        return result
    }
}
