import BatonModel
import Crypto
import Foundation

/// A bare mirror of a repository's branches and tags, kept up to date by fetching.
package struct GitMirror: Sendable {
    package let path: URL
    package let url: String

    package init(path: URL, url: String) {
        self.path = path
        self.url = url
    }

    /// The mirror of `url` in `directory`, named by a hash of the URL.
    package init(in directory: URL, url: String) {
        self.init(path: directory.appendingPathComponent("\(Self.key(for: url)).git"), url: url)
    }

    /// A short, file-name-safe key for a repository URL.
    package static func key(for url: String) -> String {
        String(ArtifactDigest(SHA256.hash(data: Data(url.utf8))).hex.prefix(24))
    }

    /// Clones the mirror, or fetches every branch and tag into it (moved and deleted refs too).
    package func update() async throws {
        let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        if FileManager.default.fileExists(atPath: path.appendingPathComponent("HEAD").path) {
            try await GitCommand.run(["fetch", "--quiet", "--prune", "--force", url] + refspecs, in: path)
            return
        }
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = path.deletingLastPathComponent().appendingPathComponent(".\(path.lastPathComponent).\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: partial) }
        try await GitCommand.run(["init", "--quiet", "--bare", partial.path])
        try await GitCommand.run(["fetch", "--quiet", "--force", url] + refspecs, in: partial)
        try FileManager.default.moveItem(at: partial, to: path)
    }

    /// Fetches one commit by its id, for a pull request whose head no branch or tag points at
    /// (GitHub and local repositories allow asking for a reachable commit); false when refused.
    package func fetch(commit: String) async -> Bool {
        (try? await GitCommand.run(["fetch", "--quiet", url, commit], in: path)) != nil
    }

    /// Every branch and tag (`refs/heads/…`, `refs/tags/…`) and the commit it points at; an
    /// annotated tag gives the commit it tags.
    package func refs() async throws -> [String: String] {
        let output = try await GitCommand.run(
            ["for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "refs/heads", "refs/tags"], in: path)
        var refs: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 2 else { continue }
            refs[fields[0]] = fields.count > 2 ? fields[2] : fields[1]
        }
        return refs
    }

    /// Files that differ between two commits; from nothing, the files the commit itself touches.
    package func changedFiles(from old: String?, to new: String) async throws -> [String] {
        let output = if let old {
            try await GitCommand.run(["diff", "--name-only", "--no-renames", old, new], in: path)
        } else {
            try await GitCommand.run(["diff-tree", "--no-commit-id", "--name-only", "--no-renames", "-r", "--root", new], in: path)
        }
        return output.split(separator: "\n").map(String.init)
    }
}
