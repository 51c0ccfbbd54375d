import Foundation
import Subprocess
import SystemPackage

/// Runs `git`, returning its standard output; a failure carries git's own message.
package enum GitCommand {
    package struct Failure: Error, CustomStringConvertible {
        package let arguments: [String]
        package let status: String
        package let message: String

        package init(arguments: [String], status: String, message: String) {
            self.arguments = arguments
            self.status = status
            self.message = message
        }

        package var description: String {
            let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
            return "git \(arguments.joined(separator: " ")) failed (\(status))\(text.isEmpty ? "" : ": \(text)")"
        }
    }

    @discardableResult
    package static func run(_ arguments: [String], in directory: URL? = nil) async throws -> String {
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
            throw Failure(arguments: arguments, status: "\(result.terminationStatus)", message: result.standardError)
        }
        return result.standardOutput
    }
}
