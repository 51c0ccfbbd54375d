import Crypto
import Foundation
import Testing
@testable import BatonModel

@Suite struct ArtifactDigestTests {
    @Test func aSHA256DigestIsWrittenAsSixtyFourLowerCaseHexDigits() {
        let digest = ArtifactDigest(SHA256.hash(data: Data("abc".utf8)))
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let empty = ArtifactDigest(SHA256.hash(data: Data()))
        #expect(empty.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hexInAnyCaseIsAcceptedAndKeptInLowerCase() {
        let lower = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(ArtifactDigest(hex: lower)?.hex == lower)
        #expect(ArtifactDigest(hex: lower.uppercased())?.hex == lower)
    }

    @Test(arguments: [
        "", "ba7816bf", String(repeating: "a", count: 63), String(repeating: "a", count: 65),
        String(repeating: "a", count: 63) + "g", String(repeating: "a", count: 63) + "G", String(repeating: "a", count: 62) + "é",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(ArtifactDigest(hex: text) == nil)
    }
}
