import BatonModel
import BatonWorker
import Crypto
import Foundation
import Synchronization
import Testing

@Suite struct FileDigestTests {
    /// 3 MiB and a bit: several of fileDigest's 1 MiB blocks.
    private func file() throws -> (URL, [UInt8]) {
        let bytes = (0..<(3 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("baton-digest-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return (url, bytes)
    }

    @Test func hashesTheWholeFile() throws {
        let (url, bytes) = try file()
        defer { try? FileManager.default.removeItem(at: url) }
        let (digest, size) = try fileDigest(url)
        #expect(size == Int64(bytes.count))
        #expect(digest == ArtifactDigest(SHA256.hash(data: bytes)))
    }

    /// Small and odd sizes, down to an empty file, hash whole.
    @Test func hashesFilesOfSmallAndOddSizes() throws {
        for count in [0, 1, 5, 4095, 4096, 4097, 8193, 100_000] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ count) }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("baton-digest-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: url) }
            try Data(bytes).write(to: url)
            let (digest, size) = try fileDigest(url)
            #expect(size == Int64(count))
            #expect(digest == ArtifactDigest(SHA256.hash(data: bytes)), "\(count) bytes")
        }
    }

    /// An abandoned hash stops at the next block instead of reading the file to its end.
    @Test func stopsWhenAskedToBetweenBlocks() throws {
        let (url, _) = try file()
        defer { try? FileManager.default.removeItem(at: url) }
        let asked = Atomic<Int>(0)
        #expect(throws: CancellationError.self) {
            _ = try fileDigest(url) { asked.add(1, ordering: .relaxed).newValue > 2 }
        }
        #expect(asked.load(ordering: .relaxed) == 3)
    }
}
