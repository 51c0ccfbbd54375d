@testable import BatonCoordinator
import Testing

struct AuthorizedWorkersTests {
    /// Z85 uses '#', so a key may hold one anywhere; only a word that starts a line or follows
    /// the key begins a comment.
    @Test func aKeyContainingAHashIsReadWhole() throws {
        let keyWithHash = "d&(n!YI:uic#Fs:S?LbfI>zz<k}b+W0123456789"
        let keyStartingWithHash = "#bcdefghij0123456789ABCDEFGHIJ.-:+=^!/*?"
        let workers = try AuthorizedWorkers(parsing: """
            # build farm
              # indented comment
            builder-1 \(keyWithHash)
            builder-2 \(keyStartingWithHash)   # the spare

            """, source: "allowed")
        #expect(workers.byKey == [keyWithHash: "builder-1", keyStartingWithHash: "builder-2"])
    }

    @Test func aShortKeyIsRefusedWithItsLine() {
        #expect {
            _ = try AuthorizedWorkers(parsing: "# header\nbuilder-1 short\n", source: "allowed")
        } throws: { error in
            "\(error)" == "allowed:2: 'short' is not a 40-character Z85 CURVE public key"
        }
    }

    @Test func aKeyGivenTwiceIsRefused() {
        let key = String(repeating: "a", count: 40)
        #expect {
            _ = try AuthorizedWorkers(parsing: "one \(key)\ntwo \(key)\n", source: "allowed")
        } throws: { error in
            "\(error)" == "allowed:2: the key of two is already given to one"
        }
    }
}
