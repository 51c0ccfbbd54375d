import BatonJSON
import BatonModel
import Foundation
import Testing

/// The streaming encoder against Foundation's JSONEncoder: byte for byte with sorted keys (the
/// wire's golden fixtures depend on it), the same JSON value without.
@Suite struct StreamingJSONEncoderTests {
    struct Everything: Codable, Equatable {
        enum Kind: String, Codable { case alpha, beta }
        var text = "plain"
        var escaped = "quote\" backslash\\ slash/ newline\n cr\r tab\t bell\u{7} nul\u{0} unit\u{1f} del\u{7f} é 😀 \u{2028}"
        var empty = ""
        var integers: [Int] = [0, 1, -1, Int.max, Int.min]
        var small: Int8 = -128
        var unsigned: UInt64 = .max
        var doubles: [Double] = [5, 0.1, -0.0, 1e20, 1e-7, 1795826779.268, 123456789012345678, 2.5e-5]
        var float: Float = 0.1
        var yes = true
        var no = false
        var missing: String? = nil
        var present: String? = "here"
        var missingNumber: Int? = nil
        var presentNumber: UInt8? = 7
        var presentFlag: Bool? = false
        var presentList: [Int]? = [1]
        var missingKind: Kind? = nil
        var presentKind: Kind? = .alpha
        var kind = Kind.beta
        var data = Data([0, 1, 2, 250, 251])
        var url = URL(string: "https://example.com/a/b?c=d")!
        var date = Date(timeIntervalSinceReferenceDate: 12345.678)
        var dictionary: [String: Int] = ["b": 1, "B": 2, "a10": 3, "a9": 4, "_x": 5, "é": 6, "e": 7, "a-b": 8]
        var nested: [[String: [String]]] = [["one": ["1", "uno"]], [:], ["two": []]]
        var emptyArray: [Int] = []
        var intKeys: [Int: String] = [2: "two", 10: "ten"]
    }

    /// A custom conformance using nested containers one after another, as hand-written ones may.
    struct Nested: Encodable {
        enum Keys: String, CodingKey { case a, b, c, z }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .z)
            var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .b)
            try inner.encode("x", forKey: .c)
            try inner.encode("y", forKey: .a)
            var list = container.nestedUnkeyedContainer(forKey: .a)
            try list.encode(1)
            var deeper = list.nestedContainer(keyedBy: Keys.self)
            try deeper.encode(true, forKey: .b)
            try list.encode(2)
            try container.encodeNil(forKey: .c)
        }
    }

    /// Writes to a container after a sibling was opened: not streamable, so it falls back.
    struct Interleaved: Encodable {
        enum Keys: String, CodingKey { case first, second, late }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var first = container.nestedContainer(keyedBy: Keys.self, forKey: .first)
            var second = container.nestedContainer(keyedBy: Keys.self, forKey: .second)
            try second.encode(2, forKey: .late)
            try first.encode(1, forKey: .late)
        }
    }

    struct Inheriting: Encodable {
        enum Keys: String, CodingKey { case own }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("mine", forKey: .own)
            try ["inherited"].encode(to: container.superEncoder())
        }
    }

    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    static func foundation(_ value: some Encodable, sorted: Bool) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sorted ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func expectSame(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let sorted = try StreamingJSONEncoder(sortedKeys: true).encode(value)
        let expected = try foundation(value, sorted: true)
        #expect(String(decoding: sorted, as: UTF8.self) == String(decoding: expected, as: UTF8.self), sourceLocation: sourceLocation)
        // Unsorted, keys come in the order they are encoded (JSONEncoder's order is its hash
        // table's): the same JSON value, not the same bytes.
        let unsorted = try StreamingJSONEncoder().encode(value)
        let parsed = try JSONSerialization.jsonObject(with: Data(unsorted), options: [.fragmentsAllowed]) as? NSObject
        let reference = try JSONSerialization.jsonObject(with: Data(try foundation(value, sorted: false)), options: [.fragmentsAllowed]) as? NSObject
        #expect(parsed != nil && parsed == reference, sourceLocation: sourceLocation)
    }

    @Test func everyKindOfValueEncodesAsJSONEncoderDoes() throws {
        try Self.expectSame(Everything())
        try Self.expectSame(["top", "level"])
        try Self.expectSame("a string alone")
        try Self.expectSame(42)
        try Self.expectSame(Optional<Int>.none)
    }

    @Test func nestedContainersUsedInTurnStream() throws {
        try Self.expectSame(Nested())
        #expect(String(decoding: try StreamingJSONEncoder().encode(Nested()), as: UTF8.self) == #"{"z":1,"b":{"c":"x","a":"y"},"a":[1,{"b":true},2],"c":null}"#)
    }

    /// Objects whose keys arrive in order stay as written; ones that do not are reordered,
    /// however they nest inside each other and inside arrays.
    struct InOrder: Encodable {
        struct OutOfOrder: Encodable {
            var zulu = "z"
            var mike = ["yankee": 1, "alpha": 2]
            var alpha = [InOrderLeaf(), InOrderLeaf()]
        }

        struct InOrderLeaf: Encodable {
            var a = 1
            var b: String? = nil
            var c = ["x"]
        }

        var alpha = 1
        var bravo = OutOfOrder()
        var charlie = [OutOfOrder(), OutOfOrder()]
        var delta = ["one": InOrderLeaf()]
        var echo = InOrderLeaf()
    }

    @Test func objectsAlreadyInKeyOrderAndOthersNestedInThemEncodeAsJSONEncoderDoes() throws {
        try Self.expectSame(InOrder())
        try Self.expectSame([InOrder(), InOrder()])
        try Self.expectSame(InOrder.InOrderLeaf())
    }

    @Test func whatCannotStreamFallsBackToJSONEncoder() throws {
        try Self.expectSame(Interleaved())
        try Self.expectSame(Inheriting())
        try Self.expectSame(Decimal(string: "12.5"))
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(Empty()) }
        try Self.expectSame([Empty()])
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder(sortedKeys: true).encode(["x": Double.infinity]) }
    }

    @Test func slashesAreEscapedOnlyWhenAsked() throws {
        #expect(try StreamingJSONEncoder().encode("a/b") == Array(#""a/b""#.utf8))
        #expect(try StreamingJSONEncoder(escapeSlashes: true).encode("a/b") == Array(#""a\/b""#.utf8))
        #expect(try StreamingJSONEncoder(escapeSlashes: true).encode("a/b") == Array(try JSONEncoder().encode("a/b")))
    }

    @Test func everyPipelineFixtureEncodesAsJSONEncoderDoes() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("BatonModelTests/Fixtures/pipelines/valid")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        #expect(!files.isEmpty)
        var checked = 0
        for file in files {
            guard let declaration = try? PipelineDocument.decode(Data(contentsOf: file), format: .json) else { continue }
            try Self.expectSame(declaration)
            checked += 1
        }
        #expect(checked > 0)
    }
}
