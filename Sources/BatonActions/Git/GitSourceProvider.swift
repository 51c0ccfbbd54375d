import BatonGit
import BatonModel
import BatonWorker
import Crypto
import Foundation

/// CodePipeline's git source actions, `CodeStarSourceConnection` and `CodeCommit`, over real git.
///
/// The coordinator resolves the repository through its connections and puts the URL (or local
/// path) in the job. The worker keeps a bare mirror of each repository (`cacheRoot`), fetches
/// it, takes the commit asked for (a trigger's commit or a `sourceRevisions` override) or the
/// head of `BranchName`, and produces the tree at that commit as a zip (`CODE_ZIP`), or a full
/// clone with its `.git` (`CODEBUILD_CLONE_REF`, for builds that need git metadata). Commit id,
/// branch, author, dates and message become output variables.
package struct GitSourceProvider: ActionProvider {
    package let actionTypes = ["CodeStarSourceConnection", "CodeCommit"].map {
        ActionTypeID(category: "Source", owner: "AWS", provider: $0, version: "1")
    }
    package let cacheRoot: URL
    private let mirrors = GitMirrorLocks()

    package init(cacheRoot: URL) {
        self.cacheRoot = cacheRoot
    }

    package func run(_ job: JobContext) async throws -> ActionResult {
        let configuration = job.data.actionConfiguration.configuration
        let isCodeCommit = job.data.actionTypeId.provider == "CodeCommit"
        guard let url = job.data.sourceRepository else {
            let what = isCodeCommit ? "CodeCommit repository \(configuration["RepositoryName"] ?? "")" : "ConnectionArn \(configuration["ConnectionArn"] ?? "")"
            return .failed(FailureDetails(type: .configurationError, message: "No Baton connection resolves \(what); create one with `baton connection create NAME --url <git url or path>`"))
        }
        let branch = configuration["BranchName"] ?? "main"
        let format = configuration["OutputArtifactFormat"] ?? "CODE_ZIP"
        guard ["CODE_ZIP", "CODEBUILD_CLONE_REF"].contains(format) else {
            return .failed(FailureDetails(type: .configurationError, message: "OutputArtifactFormat must be CODE_ZIP or CODEBUILD_CLONE_REF, not \(format)"))
        }
        guard let output = job.data.outputArtifacts.first else {
            return .failed(FailureDetails(type: .configurationError, message: "A source action needs one output artifact"))
        }

        let mirror = GitMirror(in: cacheRoot, url: url)
        let wanted = job.data.sourceRevision ?? "refs/heads/\(branch)"
        let commit: Commit
        do {
            commit = try await mirrors.serialize(mirror.path.path) {
                try await mirror.update()
                return try await Commit.read(wanted, in: mirror.path)
            }
        } catch let failure as GitCommand.Failure where failure.arguments.first == "rev-parse" {
            let what = job.data.sourceRevision.map { "commit \($0)" } ?? "branch \(branch)"
            return .failed(FailureDetails(type: .revisionUnavailable, message: "The \(what) does not exist in \(url)"))
        } catch {
            return .failed(FailureDetails(type: .jobFailed, message: "Fetching \(url): \(error)"))
        }
        job.log("Fetched \(url) \(branch) at \(commit.id): \(commit.subject)\n")
        job.progress(JobProgressReport(summary: commit.subject, externalExecutionId: commit.id))

        let archive = job.outputDirectory.appendingPathComponent("\(output.name).zip")
        do {
            if format == "CODE_ZIP" {
                try await GitCommand.run(["archive", "--format=zip", "-o", archive.path, commit.id], in: mirror.path)
            } else {
                let clone = job.workDirectory.appendingPathComponent("clone")
                try await GitCommand.run(["clone", "--quiet", "--no-checkout", mirror.path.path, clone.path])
                try await GitCommand.run(["checkout", "--quiet", "-B", branch, commit.id], in: clone)
                try await GitCommand.run(["remote", "set-url", "origin", url], in: clone)
                try await runBlocking { try ZipArchives.create(archive, from: clone, paths: ZipArchives.files(under: clone)) }
            }
        } catch {
            return .failed(FailureDetails(type: .jobFailed, message: "Packing \(commit.id) of \(url): \(error)"))
        }

        var variables = [
            "CommitId": commit.id, "BranchName": branch, "AuthorDate": commit.authorDate,
            "CommitMessage": commit.message,
        ]
        if isCodeCommit {
            variables["RepositoryName"] = configuration["RepositoryName"] ?? ""
            variables["CommitterDate"] = commit.committerDate
        } else {
            variables["ConnectionArn"] = configuration["ConnectionArn"] ?? ""
            variables["FullRepositoryName"] = configuration["FullRepositoryId"] ?? ""
            variables["AuthorEmail"] = commit.authorEmail
        }
        return .succeeded(ActionProducts(artifacts: [output.name: archive], variables: variables, summary: commit.subject, revision: commit.id))
    }

    struct Commit {
        var id: String
        var authorEmail: String
        var authorDate: String
        var committerDate: String
        var message: String
        var subject: String { message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "" }

        static func read(_ revision: String, in repository: URL) async throws -> Commit {
            let id = try await GitCommand.run(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"], in: repository)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let fields = try await GitCommand.run(["log", "-1", "--format=%ae%x00%aI%x00%cI%x00%B", id], in: repository)
                .split(separator: "\0", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { throw GitCommand.Failure(arguments: ["log", id], status: "unexpected output", message: "") }
            return Commit(
                id: id, authorEmail: fields[0], authorDate: fields[1], committerDate: fields[2],
                message: fields[3].trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
