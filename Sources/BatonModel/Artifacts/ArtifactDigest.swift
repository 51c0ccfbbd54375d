import Crypto

/// The SHA-256 of an artifact's bytes, as 64 lowercase hex digits: its identity in the store.
package struct ArtifactDigest: Sendable, Hashable, Codable, CustomStringConvertible {
    package let hex: String

    /// Accepts exactly 64 hex digits (any case); anything else is nil.
    package init?(hex: String) {
        var utf8 = hex.utf8
        guard utf8.count == 64 else { return nil }
        var lower = hex
        // The usual digest is lower-case already, and then kept as it came: no copy.
        if utf8.contains(where: { (65...70).contains($0) }) {
            lower = hex.lowercased()
            utf8 = lower.utf8
        }
        guard utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        self.hex = lower
    }

    package init(_ digest: SHA256.Digest) {
        hex = digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 2 * bytes.count) { text in
                let digits: StaticString = "0123456789abcdef"
                let table = digits.utf8Start
                for (index, byte) in bytes.enumerated() {
                    text[2 * index] = table[Int(byte >> 4)]
                    text[2 * index + 1] = table[Int(byte & 0x0f)]
                }
                return 2 * bytes.count
            }
        }
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let digest = ArtifactDigest(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a SHA-256 digest of 64 hex digits")
        }
        self = digest
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    package var description: String { "sha256:\(hex)" }
}
