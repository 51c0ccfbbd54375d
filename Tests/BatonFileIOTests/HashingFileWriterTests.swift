import BatonFileIO
import Crypto
import Foundation
import Testing

@Suite struct HashingFileWriterTests {
    private func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-fileio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    /// Sizes around the block and the 4 KiB alignment, appended in uneven pieces: the file holds
    /// exactly the bytes (no padding left behind) and the digest is theirs.
    @Test(arguments: [0, 1, 4095, 4096, 4097, HashingFileWriter.blockSize - 1, HashingFileWriter.blockSize, HashingFileWriter.blockSize * 2 + 12_345])
    func writesExactlyTheBytesAndTheirDigest(size: Int) throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.bin").path
        let content = bytes(size, seed: UInt8(size % 251))
        let writer = try HashingFileWriter(path: path)
        var offset = 0
        var piece = 1
        while offset < content.count {
            let end = min(content.count, offset + piece)
            try content[offset..<end].withUnsafeBytes { try writer.append($0) }
            offset = end
            piece = piece * 3 + 7
        }
        #expect(writer.count == Int64(size))
        let digest = try writer.finish()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == Data(content))
        #expect(Data(digest) == Data(SHA256.hash(data: content)))
    }

    @Test func aFolderThatDoesNotExistIsNamedInTheError() throws {
        let path = "/nonexistent-\(UUID().uuidString)/out.bin"
        #expect {
            _ = try HashingFileWriter(path: path)
        } throws: { error in
            (error as? FileIOError)?.path == path && "\(error)".contains("No such file")
        }
    }
}
