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

    @Test func timeOrderedIdentifiersAreVersionSevenUUIDsCarryingTheirMillisecond() throws {
        let identifiers = RandomIdentifiers()
        let millisecond: UInt64 = 1_795_922_327_501
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let id = identifiers.timeOrderedUUID(milliseconds: millisecond)
            #expect(id.count == 36 && id == id.lowercased())
            let parsed = try #require(UUID(uuidString: id), "\(id) is not a UUID")
            #expect(parsed.uuid.6 >> 4 == 7, "\(id) is not version 7")
            #expect(parsed.uuid.8 >> 6 == 0b10, "\(id) does not have the RFC 9562 variant")
            let stamp = [parsed.uuid.0, parsed.uuid.1, parsed.uuid.2, parsed.uuid.3, parsed.uuid.4, parsed.uuid.5]
                .reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(stamp == millisecond)
            seen.insert(id)
        }
        // The 74 bits after the time are random: one millisecond's identifiers still never repeat.
        #expect(seen.count == 2_000)
    }

    /// What the store gains from them: a later millisecond's identifier sorts after an earlier
    /// one's, as text, so new rows land at the end of an index on the id.
    @Test func timeOrderedIdentifiersSortByTheirMillisecond() {
        let identifiers = RandomIdentifiers()
        let start: UInt64 = 1_795_922_327_000
        let ids = (0..<500).map { identifiers.timeOrderedUUID(milliseconds: start + UInt64($0) * 37) }
        #expect(ids.sorted() == ids)
        // Including across a carry out of the first eight hex digits.
        let before = identifiers.timeOrderedUUID(milliseconds: 0x0000_FFFF_FFFF)
        let after = identifiers.timeOrderedUUID(milliseconds: 0x0001_0000_0000)
        #expect(before < after)
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
