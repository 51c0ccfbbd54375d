import Foundation
import Testing
@testable import BatonIdentifiers

@Suite struct RandomIdentifiersTests {
    /// Many blocks' worth, so refills are exercised: a refill that left zeros or repeated a block
    /// would repeat identifiers.
    @Test func identifiersAreVersionFourUUIDsAndNeverRepeat() {
        let identifiers = RandomIdentifiers()
        var seen = Set<String>()
        for _ in 0..<5_000 {
            let id = identifiers.uuid()
            #expect(id.count == 36)
            #expect(id == id.lowercased())
            let parsed = UUID(uuidString: id)
            #expect(parsed != nil, "\(id) is not a UUID")
            if let parsed {
                #expect(parsed.uuid.6 >> 4 == 4, "\(id) is not version 4")
                #expect(parsed.uuid.8 >> 6 == 0b10, "\(id) does not have the RFC 4122 variant")
            }
            seen.insert(id)
        }
        #expect(seen.count == 5_000)
    }

    @Test func noncesAre128BitsOfHexThatNeverRepeat() {
        let identifiers = RandomIdentifiers()
        let nonces = (0..<1_000).map { _ in identifiers.hex128() }
        #expect(Set(nonces).count == nonces.count)
        for nonce in nonces {
            #expect(nonce.count == 32)
            #expect(nonce.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        // Every hex digit shows up in every position across a thousand nonces, which fixed or
        // zeroed bytes would not give.
        for position in 0..<32 {
            let digits = Set(nonces.map { Array($0)[position] })
            #expect(digits.count == 16, "position \(position) took only \(digits.count) values")
        }
    }

    @Test func twoSourcesGiveDifferentIdentifiers() {
        let first = (0..<100).map { _ in RandomIdentifiers().uuid() }
        #expect(Set(first).count == 100)
    }
}
