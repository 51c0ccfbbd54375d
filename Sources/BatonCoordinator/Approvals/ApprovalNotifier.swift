import BatonEngine
import BatonModel
import Foundation
import Logging
import Subprocess
import SystemPackage
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Tells reviewers about a manual approval that began waiting, through the action's
/// `NotificationArn`. Self-hosted, that names one of:
///
/// - an `http://` or `https://` URL: POSTed the notification as JSON (three tries, 10 s each);
/// - an absolute path to an executable: run with the notification on standard input;
/// - an SNS topic ARN: cannot be reached without AWS, so it is logged and skipped.
///
/// The notification has the shape of CodePipeline's approval message to SNS:
/// `{"region", "consoleLink", "approval": {"pipelineName", "stageName", "actionName", "token",
/// "expires", "externalEntityLink", "approvalReviewLink", "customData"}}`.
struct ApprovalNotifier: Sendable {
    let approvals: AsyncStream<ApprovalRequest>
    let consoleBase: String
    let logger: Logger

    func run() async {
        await withDiscardingTaskGroup { group in
            for await request in approvals {
                guard let target = request.configuration["NotificationArn"], !target.isEmpty else { continue }
                group.addTask { await notify(request, target: target) }
            }
        }
    }

    func message(_ request: ApprovalRequest) -> Data {
        let formatter = ISO8601DateFormatter()
        let review = "\(consoleBase)/#/pipelines/\(request.pipelineName)/executions/\(request.executionID.rawValue)"
        var approval: [String: String] = [
            "pipelineName": request.pipelineName,
            "stageName": request.stageName,
            "actionName": request.actionName,
            "token": request.token,
            "expires": formatter.string(from: Date(timeIntervalSince1970: request.expires.secondsSince1970)),
            "approvalReviewLink": review,
            "pipelineExecutionId": request.executionID.rawValue,
        ]
        if let data = request.configuration["CustomData"] { approval["customData"] = data }
        if let link = request.configuration["ExternalEntityLink"] { approval["externalEntityLink"] = link }
        let body: [String: Any] = ["region": "local", "consoleLink": review, "approval": approval]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    private func notify(_ request: ApprovalRequest, target: String) async {
        let metadata: Logger.Metadata = [
            "pipeline.name": "\(request.pipelineName)", "stage.name": "\(request.stageName)", "action.name": "\(request.actionName)",
            "notification.target": "\(target)",
        ]
        let body = message(request)
        do {
            if target.hasPrefix("http://") || target.hasPrefix("https://") {
                try await post(body, to: target)
            } else if target.hasPrefix("/") {
                try await runCommand(target, input: body)
            } else {
                logger.warning("approval notification not sent: an SNS topic cannot be reached self-hosted; give a webhook URL or a command path", metadata: metadata)
                return
            }
            logger.info("approval notification sent", metadata: metadata)
        } catch {
            var failed = metadata
            failed["error.message"] = "\(error)"
            logger.warning("approval notification failed", metadata: failed)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private func post(_ body: Data, to target: String) async throws {
        guard let url = URL(string: target) else { throw Failure(description: "\(target) is not a URL") }
        var lastError: any Error = Failure(description: "not tried")
        for attempt in 1...3 {
            var request = URLRequest(url: url, timeoutInterval: 10)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Baton approval notification", forHTTPHeaderField: "User-Agent")
            do {
                let (_, response) = try await URLSession.shared.upload(for: request, from: body)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return }
                lastError = Failure(description: "HTTP \(status)")
            } catch {
                lastError = error
            }
            if attempt < 3 { try? await Task.sleep(for: .seconds(attempt)) }
        }
        throw lastError
    }

    /// Runs the command with the notification on standard input. The notification goes in
    /// through a file, not a pipe (a command may exit without reading it), and the wait is
    /// Subprocess's, asynchronous: no thread of Swift's small pool is held while a slow command
    /// runs, and no other child can delay the news that this one ended.
    private func runCommand(_ path: String, input: Data) async throws {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Failure(description: "\(path) is not an executable file") }
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("baton-approval-\(UUID().uuidString).json")
        try input.write(to: inputFile)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let descriptor = try FileDescriptor.open(FilePath(inputFile.path), .readOnly)
        let result = try await Subprocess.run(
            .path(FilePath(path)), input: .fileDescriptor(descriptor, closeAfterSpawningProcess: true), output: .discarded, error: .discarded)
        guard case .exited(0) = result.terminationStatus else {
            throw Failure(description: "\(path) ended with \(result.terminationStatus)")
        }
    }
}
