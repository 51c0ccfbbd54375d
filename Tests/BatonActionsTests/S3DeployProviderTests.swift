import BatonModel
import BatonWorker
import Foundation
import Logging
import Testing
@testable import BatonActions

@Suite struct S3DeployProviderTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-s3deploy-\(UUID().uuidString.prefix(8))")
    var buckets: URL { root.appendingPathComponent("buckets") }

    /// `files`, zipped.
    func archive(_ files: [String: String]) throws -> URL {
        let id = UUID().uuidString.prefix(8)
        let archive = root.appendingPathComponent("\(id).zip")
        try TestArchives.zip(files, in: root.appendingPathComponent("input-\(id)"), to: archive)
        return archive
    }

    /// A deploy job whose one input artifact is `archive`, with its real digest.
    func job(_ configuration: [String: String], archive: URL) throws -> JobContext {
        let id = UUID().uuidString.prefix(8)
        let (digest, size) = try fileDigest(archive)
        let data = JobData(
            actionTypeId: ActionTypeID(category: "Deploy", owner: "AWS", provider: "S3", version: "1"), configuration: configuration,
            pipelineContext: PipelineContext(pipelineName: "p", stageName: "Deploy", actionName: "a", actionExecutionID: ActionExecutionID(rawValue: "x"), executionID: ExecutionID(rawValue: "e")),
            inputArtifacts: [JobArtifact(name: "Site", sha256: digest, size: size)], outputArtifacts: [])
        return JobContext(
            jobID: JobID(rawValue: "j-\(id)"), data: data, workDirectory: root.appendingPathComponent("work-\(id)"), inputs: ["Site": archive],
            outputDirectory: root.appendingPathComponent("out-\(id)"), logger: Logger(label: "test"), log: { _ in })
    }

    func deploy(_ configuration: [String: String], archive: URL) async throws -> ActionResult {
        try await S3DeployProvider(bucketRoot: buckets).run(try job(configuration, archive: archive))
    }

    func deploy(_ configuration: [String: String], files: [String: String]) async throws -> ActionResult {
        try await deploy(configuration, archive: try archive(files))
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: buckets.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func eachDeployIsANewReleaseAndDeployingOldBytesSwitchesBackToTheirRelease() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let config = ["BucketName": "site", "Extract": "true", "ObjectKey": "app"]
        let v1 = try archive(["index.html": "<h1>v1</h1>\n", "assets/app.js": "console.log(1)\n"])
        let v2 = try archive(["index.html": "<h1>v2</h1>\n"])
        guard case .succeeded = try await deploy(config, archive: v1) else { Issue.record("v1 did not deploy"); return }
        #expect(try read("site/app/index.html") == "<h1>v1</h1>\n")
        guard case .succeeded = try await deploy(config, archive: v2) else { Issue.record("v2 did not deploy"); return }
        #expect(try read("site/app/index.html") == "<h1>v2</h1>\n")
        #expect(!FileManager.default.fileExists(atPath: buckets.appendingPathComponent("site/app/assets/app.js").path))

        // The rollback: the same bytes as v1 bring v1's release back, byte for byte, without a new one.
        let back = try await deploy(config, archive: v1)
        guard case .succeeded(let products) = back else { Issue.record("the switch back failed: \(back)"); return }
        #expect(products.summary?.hasPrefix("Switched back to release") == true)
        #expect(try read("site/app/index.html") == "<h1>v1</h1>\n")
        #expect(try read("site/app/assets/app.js") == "console.log(1)\n")
        let releases = try FileManager.default.contentsOfDirectory(atPath: buckets.appendingPathComponent(".baton-releases/site/app").path)
        #expect(releases.count == 2)
    }

    @Test func withoutExtractTheZipIsTheObjectAtItsKey() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await deploy(["BucketName": "drops", "Extract": "false", "ObjectKey": "builds/app.zip"], files: ["a.txt": "a"])
        guard case .succeeded(let products) = result else { Issue.record("expected success, got \(result)"); return }
        #expect(products.variables["Location"] == "s3://drops/builds/app.zip")
        let object = buckets.appendingPathComponent("drops/builds/app.zip")
        #expect(try Data(contentsOf: object).prefix(2) == Data("PK".utf8))
    }

    @Test func aPathHoldingFilesBatonDidNotDeployIsLeftAloneAndNamed() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let occupied = buckets.appendingPathComponent("site/app")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: occupied.appendingPathComponent("keep.txt"))
        let result = try await deploy(["BucketName": "site", "Extract": "true", "ObjectKey": "app"], files: ["index.html": "x"])
        guard case .failed(let failure) = result else { Issue.record("expected failure"); return }
        #expect(failure.message.contains(occupied.path) && failure.message.contains("did not deploy"))
        #expect(try read("site/app/keep.txt") == "mine")
    }

    @Test(arguments: [
        (["Extract": "true"], "BucketName"),
        (["BucketName": "b", "Extract": "maybe"], "Extract must be true or false"),
        (["BucketName": "b", "Extract": "false"], "needs an ObjectKey when Extract is false"),
        (["BucketName": "b", "Extract": "true", "ObjectKey": "../escape"], "not a valid key"),
        (["BucketName": "..", "Extract": "true"], "BucketName"),
    ])
    func badConfigurationIsAConfigurationError(configuration: [String: String], expected: String) async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await deploy(configuration, files: ["a": "a"])
        guard case .failed(let failure) = result else { Issue.record("expected failure"); return }
        #expect(failure.type == .configurationError)
        #expect(failure.message.contains(expected))
    }
}
