import Foundation
import Subprocess
import SystemPackage

/// Runs `git`, returning its standard output; a failure carries git's own message.
enum GitCommand {
    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let status: String
        let message: String

        var description: String {
            let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
            return "git \(arguments.joined(separator: " ")) failed (\(status))\(text.isEmpty ? "" : ": \(text)")"
        }
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) async throws -> String {
        // No prompts for credentials (a job must not hang waiting for a terminal), and no
        // user-level configuration changing what a clone does.
        let environment: [Environment.Key: String?] = ["GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"]
        let result = try await Subprocess.run(
            .name("git"),
            arguments: Arguments(arguments),
            environment: .inherit.updating(environment),
            workingDirectory: directory.map { FilePath($0.path) },
            output: .string(limit: 16 << 20),
            error: .string(limit: 64 << 10))
        guard case .exited(0) = result.terminationStatus else {
            throw Failure(arguments: arguments, status: "\(result.terminationStatus)", message: result.standardError ?? "")
        }
        return result.standardOutput ?? ""
    }
}
