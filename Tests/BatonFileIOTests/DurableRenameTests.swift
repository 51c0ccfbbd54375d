import BatonFileIO
import Foundation
import Testing

@Suite struct DurableRenameTests {
    private func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-rename-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("objects"), withIntermediateDirectories: true)
        return folder
    }

    @Test func aFileIsMovedIntoPlaceAndItsDirectorySynced() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("staged.part").path
        let destination = folder.appendingPathComponent("objects/abc").path
        try Data("bytes".utf8).write(to: URL(fileURLWithPath: source))

        try DurableRename.move(source, to: destination)
        #expect(!FileManager.default.fileExists(atPath: source))
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "bytes")

        // Into a directory not made yet: it is made (the store's objects/ab/ on first use).
        let other = folder.appendingPathComponent("other.part").path
        try Data("more".utf8).write(to: URL(fileURLWithPath: other))
        let fresh = folder.appendingPathComponent("objects/ab/abcd").path
        try DurableRename.move(other, to: fresh)
        #expect(try String(contentsOfFile: fresh, encoding: .utf8) == "more")
    }

    @Test func failuresNameThePathTheyConcern() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("staged.part").path
        try Data("bytes".utf8).write(to: URL(fileURLWithPath: source))
        let nowhere = folder.appendingPathComponent("missing/deeper/abc").path

        let moveError = #expect(throws: FileIOError.self) { try DurableRename.move(source, to: nowhere) }
        #expect(moveError?.path == nowhere && moveError?.isMissing == true, "\(String(describing: moveError))")
        #expect(FileManager.default.fileExists(atPath: source), "a failed move leaves the source where it was")

        let missingFolder = folder.appendingPathComponent("missing").path
        let syncError = #expect(throws: FileIOError.self) { try DurableRename.sync(missingFolder) }
        #expect(syncError?.path == missingFolder)
        let notAFolder = #expect(throws: FileIOError.self) { try DurableRename.sync(source) }
        #expect(notAFolder?.path == source, "a file is not a directory to sync")
    }
}
