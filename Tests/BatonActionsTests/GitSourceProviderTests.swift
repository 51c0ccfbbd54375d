import BatonGit
import BatonModel
import BatonWorker
import Foundation
import Logging
import Testing
import ZIPFoundation
@testable import BatonActions

@Suite struct GitSourceProviderTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-gitsource-\(UUID().uuidString.prefix(8))")
    var repository: URL { root.appendingPathComponent("repo") }

    /// A real repository on `main` with one commit per entry of `commits` (files → content).
    func makeRepository(_ commits: [(message: String, files: [String: String])]) async throws -> [String] {
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try await GitCommand.run(["init", "--quiet", "--initial-branch=main"], in: repository)
        var ids: [String] = []
        for commit in commits {
            for (path, content) in commit.files {
                let file = repository.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(content.utf8).write(to: file)
            }
            try await GitCommand.run(["add", "-A"], in: repository)
            try await GitCommand.run(["-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "--quiet", "-m", commit.message], in: repository)
            ids.append(try await GitCommand.run(["rev-parse", "HEAD"], in: repository).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return ids
    }

    func job(provider: String = "CodeStarSourceConnection", _ configuration: [String: String], revision: String? = nil, repository: String?) -> JobContext {
        var data = JobData(
            actionTypeId: ActionTypeID(category: "Source", owner: "AWS", provider: provider, version: "1"), configuration: configuration,
            pipelineContext: PipelineContext(pipelineName: "p", stageName: "Source", actionName: "Src", actionExecutionID: ActionExecutionID(rawValue: "x"), executionID: ExecutionID(rawValue: "e")),
            inputArtifacts: [], outputArtifacts: [JobArtifact(name: "Code")])
        data.sourceRepository = repository
        data.sourceRevision = revision
        let id = UUID().uuidString.prefix(8)
        return JobContext(
            jobID: JobID(rawValue: "j-\(id)"), data: data, workDirectory: root.appendingPathComponent("job-\(id)/src"), inputs: [:],
            outputDirectory: root.appendingPathComponent("job-\(id)/out"), logger: Logger(label: "test"), log: { _ in })
    }

    var provider: GitSourceProvider { GitSourceProvider(cacheRoot: root.appendingPathComponent("cache")) }
    let connection = ["ConnectionArn": "arn:aws:codeconnections:local:000000000000:connection/local", "FullRepositoryId": "shop/app", "BranchName": "main"]

    func files(_ archive: URL?) throws -> [String: String] {
        let zip = try Archive(url: try #require(archive), accessMode: .read)
        var result: [String: String] = [:]
        for entry in zip where entry.type == .file {
            var data = Data()
            _ = try zip.extract(entry) { data.append($0) }
            result[entry.path] = String(decoding: data, as: UTF8.self)
        }
        return result
    }

    @Test func theBranchHeadIsZippedWithItsCommitAsVariablesAndAnOverrideTakesAnOlderCommit() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let ids = try await makeRepository([
            ("First version", ["app.txt": "v1\n"]),
            ("Second version\n\nWith a body.", ["app.txt": "v2\n", "docs/readme.md": "docs\n"]),
        ])
        let head = try await provider.run(job(connection, repository: repository.path))
        guard case .succeeded(let products) = head else { Issue.record("expected success, got \(head)"); return }
        #expect(try files(products.artifacts["Code"]) == ["app.txt": "v2\n", "docs/readme.md": "docs\n"])
        #expect(products.variables["CommitId"] == ids[1])
        #expect(products.variables["CommitMessage"] == "Second version\n\nWith a body.")
        #expect(products.variables["BranchName"] == "main")
        #expect(products.variables["FullRepositoryName"] == "shop/app")
        #expect(products.variables["AuthorEmail"] == "ada@example.com")
        #expect(products.variables["AuthorDate"]?.isEmpty == false)
        #expect(products.summary == "Second version")

        // A later run fetches into the same mirror; an override takes the commit it names.
        let older = try await provider.run(job(connection, revision: ids[0], repository: repository.path))
        guard case .succeeded(let first) = older else { Issue.record("expected success, got \(older)"); return }
        #expect(try files(first.artifacts["Code"]) == ["app.txt": "v1\n"])
        #expect(first.variables["CommitId"] == ids[0])
    }

    /// Jobs on one worker that read the same repository at once share its mirror one fetch at a
    /// time (git's lock files would fail concurrent fetches) and all get the head.
    @Test func concurrentJobsShareOneMirror() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let ids = try await makeRepository([("one", ["a.txt": "a"])])
        let provider = provider
        let jobs = (0..<6).map { _ in job(connection, repository: repository.path) }
        let results = try await withThrowingTaskGroup(of: String?.self) { group in
            for job in jobs {
                group.addTask {
                    guard case .succeeded(let products) = try await provider.run(job) else { return nil }
                    return products.variables["CommitId"]
                }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: ids[0], count: 6))
    }

    @Test func aCloneRefHoldsTheRepositoryWithItsHistory() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await makeRepository([("one", ["a.txt": "a"]), ("two", ["b.txt": "b"])])
        var configuration = ["RepositoryName": "shop", "BranchName": "main", "OutputArtifactFormat": "CODEBUILD_CLONE_REF"]
        let result = try await provider.run(job(provider: "CodeCommit", configuration, repository: repository.path))
        guard case .succeeded(let products) = result else { Issue.record("expected success, got \(result)"); return }
        let entries = try files(products.artifacts["Code"])
        #expect(entries["a.txt"] == "a" && entries["b.txt"] == "b")
        #expect(entries["HEAD"] == nil && entries[".git/HEAD"] == "ref: refs/heads/main\n")
        #expect(products.variables["RepositoryName"] == "shop")
        #expect(products.variables["CommitterDate"]?.isEmpty == false)

        configuration["OutputArtifactFormat"] = "TARBALL"
        guard case .failed(let failure) = try await provider.run(job(provider: "CodeCommit", configuration, repository: repository.path)) else {
            Issue.record("expected failure"); return
        }
        #expect(failure.type == .configurationError && failure.message.contains("TARBALL"))
    }

    @Test func aMissingBranchIsRevisionUnavailableAndAMissingConnectionIsNamed() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await makeRepository([("one", ["a.txt": "a"])])
        var configuration = connection
        configuration["BranchName"] = "release"
        guard case .failed(let missing) = try await provider.run(job(configuration, repository: repository.path)) else { Issue.record("expected failure"); return }
        #expect(missing.type == .revisionUnavailable)
        #expect(missing.message == "The branch release does not exist in \(repository.path)")

        guard case .failed(let unresolved) = try await provider.run(job(connection, repository: nil)) else { Issue.record("expected failure"); return }
        #expect(unresolved.type == .configurationError)
        #expect(unresolved.message.hasPrefix("No Baton connection resolves ConnectionArn arn:aws:codeconnections:local:000000000000:connection/local"))
    }

    @Test func connectionsResolveArnsAndRepositoryNames() throws {
        let now = Timestamp(secondsSince1970: 0)
        let connections = [
            SourceConnection(name: "local", providerType: "GitHub", url: "/srv/git/{FullRepositoryId}.git", created: now),
            SourceConnection(name: "plain", providerType: "Git", url: "https://git.example.com/", created: now),
            SourceConnection(name: "codecommit", providerType: "CodeCommit", url: "/srv/cc/{RepositoryName}", created: now),
        ]
        let source = ActionTypeID(category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1")
        let old = "arn:aws:codestar-connections:us-east-1:123:connection/local"
        let resolved = try #require(connections.repository(for: source, configuration: ["ConnectionArn": old, "FullRepositoryId": "shop/app", "BranchName": "dev"])).get()
        #expect(resolved.url == "/srv/git/shop/app.git" && resolved.branch == "dev")
        #expect(try connections.repository(for: source, configuration: ["ConnectionArn": "plain", "FullRepositoryId": "a/b"])?.get().url == "https://git.example.com/a/b")
        let codeCommit = ActionTypeID(category: "Source", owner: "AWS", provider: "CodeCommit", version: "1")
        #expect(try connections.repository(for: codeCommit, configuration: ["RepositoryName": "api", "BranchName": "main"])?.get().url == "/srv/cc/api")
        guard case .failure(let error)? = connections.repository(for: source, configuration: ["ConnectionArn": "arn:x:connection/nope"]) else {
            Issue.record("expected a failure"); return
        }
        #expect(error.description.hasPrefix("no connection nope"))
        #expect(connections.repository(for: .commands, configuration: [:]) == nil)
    }
}
