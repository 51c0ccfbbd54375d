import BatonModel
import BatonWorker
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CodePipeline's `S3` deploy into a local folder standing in for the bucket, as releases.
///
/// Each deploy builds a release under `<bucket root>/.baton-releases/<BucketName>/<target>/`
/// (the artifact unpacked when `Extract` is true, else the zip itself named after `ObjectKey`),
/// then makes the live path (`<bucket root>/<BucketName>/<ObjectKey>`, or the bucket folder itself
/// when extracting without a key) a symlink to it with one `rename`: readers see the old release or
/// the new one, never a mix. A release is named by the artifact's SHA-256, so deploying bytes that
/// were deployed before (a rollback, a retry) switches back to the release already on disk. The
/// newest `keepReleases` releases are kept.
package struct S3DeployProvider: ActionProvider {
    package let bucketRoot: URL
    package let keepReleases: Int
    package let actionTypes = [ActionTypeID(category: "Deploy", owner: "AWS", provider: "S3", version: "1")]

    package init(bucketRoot: URL, keepReleases: Int = 5) {
        self.bucketRoot = bucketRoot
        self.keepReleases = max(2, keepReleases)
    }

    package func run(_ job: JobContext) async throws -> ActionResult {
        let configuration = job.data.actionConfiguration.configuration
        guard let bucket = configuration["BucketName"], Self.isPlainSegment(bucket) else {
            return .failed(FailureDetails(type: .configurationError, message: "The S3 deploy action needs a BucketName that is a plain folder name, not '\(configuration["BucketName"] ?? "")'"))
        }
        guard let extractText = configuration["Extract"]?.lowercased(), ["true", "false"].contains(extractText) else {
            return .failed(FailureDetails(type: .configurationError, message: "The S3 deploy action's Extract must be true or false, not '\(configuration["Extract"] ?? "")'"))
        }
        let extract = extractText == "true"
        let key = (configuration["ObjectKey"] ?? "").split(separator: "/").map(String.init)
        guard key.allSatisfy(Self.isPlainSegment) else {
            return .failed(FailureDetails(type: .configurationError, message: "ObjectKey '\(configuration["ObjectKey"] ?? "")' is not a valid key (no '.' or '..' segments)"))
        }
        guard extract || !key.isEmpty else {
            return .failed(FailureDetails(type: .configurationError, message: "The S3 deploy action needs an ObjectKey when Extract is false"))
        }
        guard let input = job.data.inputArtifacts.first, let archive = job.inputs[input.name], let digest = input.sha256 else {
            return .failed(FailureDetails(type: .configurationError, message: "The S3 deploy action needs one input artifact"))
        }

        let live = key.reduce(bucketRoot.appendingPathComponent(bucket)) { $0.appendingPathComponent($1) }
        let releases = bucketRoot.appendingPathComponent(".baton-releases").appendingPathComponent(bucket)
            .appendingPathComponent(key.isEmpty ? "_bucket" : key.joined(separator: "/"))
        let release = releases.appendingPathComponent(digest.hex)
        let location = "s3://\(bucket)/\(key.joined(separator: "/"))"
        do {
            let reused = try await runBlocking {
                try Self.prepareRelease(release, from: archive, named: input.name, extract: extract, fileName: key.last)
            }
            try Self.switchLive(live, to: extract ? release : release.appendingPathComponent(key.last ?? "object"))
            try Self.prune(releases, keep: keepReleases, live: release)
            job.log("\(reused ? "Switched back to" : "Deployed") release \(digest.hex.prefix(12)) at \(location) (\(live.path))\n")
            return .succeeded(ActionProducts(
                variables: ["Release": digest.hex, "Location": location],
                summary: "\(reused ? "Switched back to" : "Deployed") release \(digest.hex.prefix(12)) to \(location)"))
        } catch let failure as Failure {
            return .failed(FailureDetails(type: .jobFailed, message: failure.description))
        } catch {
            return .failed(FailureDetails(type: .jobFailed, message: "Deploying \(input.name) to \(location) failed: \(error)"))
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case occupied(path: String)
        case io(path: String, reason: String)

        var description: String {
            switch self {
            case .occupied(let path): "\(path) holds files that Baton did not deploy; move them away so the deploy can manage this path"
            case .io(let path, let reason): "\(path): \(reason)"
            }
        }
    }

    static func isPlainSegment(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".." && !text.contains("/") && !text.hasPrefix(".baton-releases")
    }

    /// Builds the release unless it is already on disk; true when it was.
    static func prepareRelease(_ release: URL, from archive: URL, named name: String, extract: Bool, fileName: String?) throws -> Bool {
        let manager = FileManager.default
        if manager.fileExists(atPath: release.path) { return true }
        try manager.createDirectory(at: release.deletingLastPathComponent(), withIntermediateDirectories: true)
        let staging = release.deletingLastPathComponent().appendingPathComponent(".staging-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: staging) }
        if extract {
            try ZipArchives.extract(archive, name: name, into: staging)
        } else {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            try manager.copyItem(at: archive, to: staging.appendingPathComponent(fileName ?? "object"))
        }
        guard rename(staging.path, release.path) == 0 else {
            // Another worker finished the same release first: theirs is the same bytes.
            if manager.fileExists(atPath: release.path) { return true }
            throw Failure.io(path: release.path, reason: String(cString: strerror(errno)))
        }
        return false
    }

    /// Points `live` at `target` with one rename of a fresh symlink over it.
    static func switchLive(_ live: URL, to target: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: live.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Not followed through a symlink: the type of `live` itself, if it exists.
        let type = (try? manager.attributesOfItem(atPath: live.path))?[.type] as? FileAttributeType
        if let type, type != .typeSymbolicLink {
            // A real folder or file: only an empty folder (a bucket just made) may be replaced.
            let isEmptyFolder = type == .typeDirectory && ((try? manager.contentsOfDirectory(atPath: live.path)) ?? ["?"]).isEmpty
            guard isEmptyFolder, rmdir(live.path) == 0 else { throw Failure.occupied(path: live.path) }
        }
        let temporary = live.deletingLastPathComponent().appendingPathComponent(".\(live.lastPathComponent).\(UUID().uuidString).link")
        guard symlink(target.path, temporary.path) == 0 else {
            throw Failure.io(path: temporary.path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary.path, live.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw Failure.io(path: live.path, reason: reason)
        }
    }

    /// Removes all but the newest `keep` releases, never the live one.
    static func prune(_ releases: URL, keep: Int, live: URL) throws {
        let manager = FileManager.default
        // A switch back counts as the newest.
        _ = utimes(live.path, nil)
        let entries = (try? manager.contentsOfDirectory(at: releases, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        let dated = entries.filter { !$0.lastPathComponent.hasPrefix(".") }.map { url in
            (url, (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast)
        }.sorted { $0.1 > $1.1 }
        for (url, _) in dated.dropFirst(keep) where url.lastPathComponent != live.lastPathComponent {
            try? manager.removeItem(at: url)
        }
    }
}
