import Foundation
import Synchronization

/// A directory made on first use, its URL too: a job that needs no files costs neither file
/// system work nor URL building (which Foundation does by parsing the path again). If the
/// directory cannot be made, `created` still returns its URL and the provider's first file
/// operation in it fails with the file system's own error, naming the path.
final class LazyDirectory: Sendable {
    private let url: @Sendable () -> URL
    private let made = Mutex<URL?>(nil)

    init(_ url: @escaping @Sendable () -> URL) {
        self.url = url
    }

    /// The directory's URL if something asked for it (and so it was made), nil if not.
    var ifCreated: URL? { made.withLock { $0 } }

    var created: URL {
        made.withLock { made in
            if let made { return made }
            let url = url()
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            made = url
            return url
        }
    }
}
