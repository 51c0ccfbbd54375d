import BatonModel
import Foundation
import ZIPFoundation

/// Zip archives as CodePipeline moves artifacts: built from a work tree, and unpacked so that no
/// entry lands outside the destination and no symlink points outside it.
enum ZipArchives {
    enum Failure: Error, CustomStringConvertible {
        case unsafeEntry(archive: String, entry: String)
        case unreadable(archive: String, reason: String)

        var description: String {
            switch self {
            case .unsafeEntry(let archive, let entry): "artifact \(archive) holds an entry that escapes the work directory: \(entry)"
            case .unreadable(let archive, let reason): "artifact \(archive) is not a readable zip archive: \(reason)"
            }
        }
    }

    /// Every regular file and symlink under `root`, as paths relative to it, sorted.
    static func files(under root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey], options: [])
        else { return [] }
        let base = root.standardizedFileURL.path
        var paths: [String] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values?.isRegularFile == true || values?.isSymbolicLink == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            paths.append(String(path.dropFirst(base.count + 1)))
        }
        return paths.sorted()
    }

    /// The files under `root` that match a glob of `patterns` and none of `excluding`.
    static func files(under root: URL, matching patterns: [String], excluding: [String] = []) -> [String] {
        let included = patterns.map(GlobPattern.init)
        let excluded = excluding.map(GlobPattern.init)
        return files(under: root).filter { path in
            included.contains { $0.matches(path) } && !excluded.contains { $0.matches(path) }
        }
    }

    static func create(_ archive: URL, from root: URL, paths: [String]) throws {
        try create(archive, entries: paths.map { ($0, root.appendingPathComponent($0)) })
    }

    /// An archive whose entry `name` holds `file`, for each pair.
    static func create(_ archive: URL, entries: [(name: String, file: URL)]) throws {
        try? FileManager.default.removeItem(at: archive)
        let zip = try Archive(url: archive, accessMode: .create)
        for (name, file) in entries {
            try zip.addEntry(with: name, fileURL: file, compressionMethod: .deflate)
        }
    }

    static func extract(_ archive: URL, name: String, into destination: URL) throws {
        let zip: Archive
        do {
            zip = try Archive(url: archive, accessMode: .read)
        } catch {
            throw Failure.unreadable(archive: name, reason: "\(error)")
        }
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let root = destination.standardizedFileURL
        for entry in zip {
            let target = root.appendingPathComponent(entry.path).standardizedFileURL
            guard !entry.path.hasPrefix("/"), target.path == root.path || target.path.hasPrefix(root.path + "/") else {
                throw Failure.unsafeEntry(archive: name, entry: entry.path)
            }
            if FileManager.default.fileExists(atPath: target.path) && entry.type == .directory { continue }
            do {
                // ZIPFoundation refuses symlinks that point outside their folder.
                _ = try zip.extract(entry, to: target, allowUncontainedSymlinks: false)
            } catch {
                throw Failure.unreadable(archive: name, reason: "entry \(entry.path): \(error)")
            }
        }
    }
}
