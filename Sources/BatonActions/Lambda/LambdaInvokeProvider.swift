import BatonModel
import BatonWorker
import Foundation
import Subprocess
import SystemPackage

/// CodePipeline's `Lambda` invoke action over local executables: `FunctionName` names an
/// executable file in the worker's function registry (`--functions DIR`). The executable gets
/// CodePipeline's job event on standard input, `{"CodePipeline.job": {"id", "accountId", "data"}}`,
/// with each input artifact's zip at `localPath` (Baton's addition to the S3 location) and a
/// `localPath` per output artifact to write a zip to. It reports on standard output, as a Lambda
/// function would through PutJobSuccessResult / PutJobFailureResult:
///
///     {"status": "Succeeded", "summary": "…", "outputVariables": {"K": "V"}, "continuationToken": "…"}
///     {"status": "Failed", "message": "…", "type": "JobFailed"}
///
/// With no JSON on standard output, exit status 0 is success and anything else failure, with the
/// output's tail as the message. Standard error goes to the job's log.
package struct LambdaInvokeProvider: ActionProvider {
    package let actionTypes = [ActionTypeID.lambdaInvoke]
    package let registry: URL

    package init(registry: URL) {
        self.registry = registry
    }

    package func run(_ job: JobContext) async throws -> ActionResult {
        let configuration = job.data.actionConfiguration.configuration
        let name = configuration["FunctionName"] ?? ""
        guard JobShell.isPlainName(name) || name.hasPrefix("arn:") else {
            return .failed(FailureDetails(type: .configurationError, message: "FunctionName '\(name)' is not a function name"))
        }
        // An ARN names the function by its last part (`arn:aws:lambda:…:function:NAME[:alias]`).
        let functionName = name.hasPrefix("arn:") ? (name.split(separator: ":").dropFirst(6).first.map(String.init) ?? name) : name
        let executable = registry.appendingPathComponent(functionName)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            return .failed(FailureDetails(
                type: .configurationError,
                message: "Function \(functionName) is not registered: no executable \(executable.path) in the worker's function registry (--functions)"))
        }

        // The event goes in through a file, not a pipe: a function may exit without reading it.
        let eventFile = job.outputDirectory.appendingPathComponent("event.json")
        try eventJSON(job).write(to: eventFile)
        let input = try FileDescriptor.open(FilePath(eventFile.path), .readOnly)
        let result = try await Subprocess.run(
            .path(FilePath(executable.path)),
            environment: .inherit.updating(Dictionary(uniqueKeysWithValues: JobShell.pipelineEnvironment(job).compactMap { name, value in
                Environment.Key(rawValue: name).map { ($0, Optional(value)) }
            })),
            workingDirectory: FilePath(job.workDirectory.path),
            input: .fileDescriptor(input, closeAfterSpawningProcess: true),
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20))
        let errors: String = result.standardError
        let output: String = result.standardOutput
        if !errors.isEmpty { job.log(errors) }
        if !output.isEmpty { job.log(output) }
        let succeeded = if case .exited(0) = result.terminationStatus { true } else { false }

        guard let report = Self.report(in: output) else {
            guard succeeded else {
                let tail = (errors.isEmpty ? output : errors).split(separator: "\n").suffix(10).joined(separator: "\n")
                return .failed(FailureDetails(type: .jobFailed, message: "Function \(functionName) failed (\(result.terminationStatus))\(tail.isEmpty ? "" : ": \(tail)")"))
            }
            return .succeeded(try products(job, summary: "Function \(functionName) succeeded"))
        }
        switch report.status {
        case "Succeeded":
            var products = try products(job, summary: report.summary ?? "Function \(functionName) succeeded")
            products.variables = report.outputVariables ?? [:]
            products.continuationToken = report.continuationToken
            return .succeeded(products)
        case "Failed":
            let type = report.type.flatMap(FailureDetails.Kind.init(rawValue:)) ?? .jobFailed
            return .failed(FailureDetails(type: type, message: report.message ?? "Function \(functionName) reported a failure"))
        default:
            return .failed(FailureDetails(type: .jobFailed, message: "Function \(functionName) reported status '\(report.status)'; expected Succeeded or Failed"))
        }
    }

    struct Report: Decodable {
        var status: String
        var summary: String?
        var message: String?
        var type: String?
        var outputVariables: [String: String]?
        var continuationToken: String?
    }

    /// The last line of standard output that is a JSON object with a `status`.
    static func report(in output: String) -> Report? {
        for line in output.split(separator: "\n").reversed() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("{"), let report = try? JSONDecoder().decode(Report.self, from: Data(text.utf8)) else { continue }
            return report
        }
        return nil
    }

    private func outputPath(_ job: JobContext, _ name: String) -> URL {
        job.outputDirectory.appendingPathComponent("\(name).zip")
    }

    /// The output artifacts the function wrote; one it did not write fails the action.
    private func products(_ job: JobContext, summary: String) throws -> ActionProducts {
        var artifacts: [String: URL] = [:]
        for output in job.data.outputArtifacts {
            let path = outputPath(job, output.name)
            guard FileManager.default.fileExists(atPath: path.path) else {
                throw LambdaFailure(description: "The function did not write output artifact \(output.name) to \(path.path)")
            }
            artifacts[output.name] = path
        }
        return ActionProducts(artifacts: artifacts, summary: summary)
    }

    struct LambdaFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// CodePipeline's Lambda job event, with local paths for the artifacts.
    private func eventJSON(_ job: JobContext) throws -> Data {
        func artifact(_ artifact: JobArtifact, path: URL?) -> [String: Any] {
            var location: [String: Any] = ["type": "S3"]
            var s3: [String: Any] = [:]
            if let s3Location = artifact.location?.s3Location {
                s3 = ["bucketName": s3Location.bucketName, "objectKey": s3Location.objectKey]
            }
            if let path { s3["localPath"] = path.path }
            location["s3Location"] = s3
            var result: [String: Any] = ["name": artifact.name, "location": location]
            if let revision = artifact.revision { result["revision"] = revision }
            return result
        }
        var data: [String: Any] = [
            "actionConfiguration": ["configuration": job.data.actionConfiguration.configuration],
            "inputArtifacts": job.data.inputArtifacts.map { artifact($0, path: job.inputs[$0.name]) },
            "outputArtifacts": job.data.outputArtifacts.map { artifact($0, path: outputPath(job, $0.name)) },
            "artifactCredentials": ["accessKeyId": "", "secretAccessKey": "", "sessionToken": ""],
        ]
        if let token = job.data.continuationToken { data["continuationToken"] = token }
        let event: [String: Any] = ["CodePipeline.job": ["id": job.jobID.rawValue, "accountId": "000000000000", "data": data]]
        return try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
