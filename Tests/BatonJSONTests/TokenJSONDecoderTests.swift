import BatonJSON
import Foundation
import Testing

/// The token decoder against Foundation's JSONDecoder: the same values, and on anything it does
/// not take (bad JSON, wrong types, missing keys) exactly JSONDecoder's error.
@Suite struct TokenJSONDecoderTests {
    typealias Everything = StreamingJSONEncoderTests.Everything

    static func roundTrip<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for bytes in [try StreamingJSONEncoder().encode(value), Array(try JSONEncoder().encode(value))] {
            #expect(try TokenJSONDecoder().decode(T.self, from: bytes) == value, sourceLocation: sourceLocation)
        }
    }

    @Test func everyKindOfValueDecodesAsJSONDecoderDoes() throws {
        try Self.roundTrip(Everything())
        try Self.roundTrip(["top", "level"])
        try Self.roundTrip("a string alone")
        try Self.roundTrip([Optional<Int>.none, 3])
        let spaced = Array(" { \"a\" : [ 1 , 2.5e3 , -0 ] , \"b\" : \"\\u00e9\\ud83d\\ude00\\n\\/\" , \"c\" : null } ".utf8)
        struct Spaced: Codable, Equatable { var a: [Double]; var b: String; var c: Int? }
        #expect(try TokenJSONDecoder().decode(Spaced.self, from: spaced) == Spaced(a: [1, 2500, 0], b: "é😀\n/", c: nil))
        #expect(try TokenJSONDecoder().decode(Spaced.self, from: spaced) == JSONDecoder().decode(Spaced.self, from: Data(spaced)))
    }

    @Test func errorsAreJSONDecodersOwn() {
        struct Needs: Codable { var id: String; var count: Int }
        let cases = [
            #"{"id": "x"}"#,                   // missing key
            #"{"id": 5, "count": 1}"#,         // wrong type
            #"{"id": "x", "count": 1.5}"#,     // not an integer
            #"{"id": "x" "count": 1}"#,        // missing comma
            #"{"id": "\x", "count": 1}"#,      // bad escape
            #"[1, 2"#,                          // truncated
            #"{"id": "x", "count": 01}"#,      // leading zero
            "",
        ]
        for text in cases {
            let ours = caught { try TokenJSONDecoder().decode(Needs.self, from: Array(text.utf8)) }
            let theirs = caught { try JSONDecoder().decode(Needs.self, from: Data(text.utf8)) }
            #expect(ours == theirs, "\(text)")
            #expect(ours != "decoded", "\(text)")
        }
        // JSONDecoder takes a trailing comma; the token parser does not, and hands it over.
        let trailing = #"{"id": "x", "count": 1,}"#
        #expect(caught { try TokenJSONDecoder().decode(Needs.self, from: Array(trailing.utf8)) } == caught { try JSONDecoder().decode(Needs.self, from: Data(trailing.utf8)) })
    }

    private func caught(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "decoded"
        } catch {
            return String(describing: error)
        }
    }
}
