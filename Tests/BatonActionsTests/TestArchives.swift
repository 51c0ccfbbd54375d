import Foundation
@testable import BatonActions

enum TestArchives {
    /// Writes `files` (path → content) under `folder` and zips them into `archive`.
    static func zip(_ files: [String: String], in folder: URL, to archive: URL) throws {
        for (path, content) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: file)
        }
        try ZipArchives.create(archive, from: folder, paths: ZipArchives.files(under: folder))
    }
}
