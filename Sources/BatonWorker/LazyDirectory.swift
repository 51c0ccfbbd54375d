import Foundation
import Synchronization

/// A directory made on first use. If it cannot be made, `created` still returns its URL and the
/// provider's first file operation in it fails with the file system's own error, naming the path.
final class LazyDirectory: Sendable {
    let url: URL
    private let made = Atomic<Bool>(false)

    init(_ url: URL) {
        self.url = url
    }

    var created: URL {
        if !made.load(ordering: .acquiring) {
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            made.store(true, ordering: .releasing)
        }
        return url
    }
}
