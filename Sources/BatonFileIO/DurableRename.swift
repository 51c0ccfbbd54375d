#if canImport(Glibc)
import Glibc
#endif

/// Renaming a fully written, fsynced file into place so that the new name survives a power loss:
/// the rename is an entry in the destination's directory, which is only on disk once that
/// directory is fsynced too (on ext4 a rename otherwise waits for the next journal commit, up to
/// five seconds).
package enum DurableRename {
    /// Moves `source` to `destination` and fsyncs the destination's directory. A missing
    /// directory is made first (one level), and its own parent fsynced so that it stays too.
    package static func move(_ source: String, to destination: String) throws(FileIOError) {
        let directory = parent(of: destination)
        if mkdir(directory, 0o755) == 0 { try sync(parent(of: directory)) }
        guard rename(source, destination) == 0 else { throw .fromErrno(destination) }
        try sync(directory)
    }

    /// Fsyncs the directory at `path`, so the entries made in it (a new file, a rename, a new
    /// subdirectory) are on disk.
    package static func sync(_ directory: String) throws(FileIOError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .fromErrno(directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .fromErrno(directory) }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
