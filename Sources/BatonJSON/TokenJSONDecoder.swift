import Foundation

/// Decodes `Decodable` values from JSON as Foundation's `JSONDecoder` does with default
/// strategies, reading values straight out of the text's tokens instead of first building a
/// tree of boxed values.
///
/// Anything it does not take the fast way (malformed JSON, a type mismatch, a missing key,
/// `Decimal`, `superDecoder`) is decoded again by `JSONDecoder`, so errors, and their coding
/// paths and messages, are exactly JSONDecoder's.
package struct TokenJSONDecoder: Sendable {
    package init() {}

    package func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            let reader = JSONTokenReader(tokens: try JSONTokens(bytes))
            return try reader.decodeValue(T.self, at: 0)
        } catch {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        }
    }

    package func decode<T: Decodable>(_ type: T.Type, from string: String) throws -> T {
        try decode(type, from: Array(string.utf8))
    }
}

/// The one `Decoder` of a decoding, positioned on a token while a value decodes itself.
final class JSONTokenReader: Decoder {
    /// Thrown where JSONDecoder should say what went wrong.
    struct Mismatch: Error {}

    let tokens: JSONTokens
    var current = 0

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(tokens: JSONTokens) {
        self.tokens = tokens
    }

    func kind(_ index: Int) -> JSONTokens.Kind { tokens.tokens[index].kind }

    func decodeValue<T: Decodable>(_ type: T.Type, at index: Int) throws -> T {
        // The casts cannot fail once the types are equal; a failed one would decode generically.
        if T.self == String.self, let string = try decodeString(at: index) as? T { return string }
        if T.self == Data.self {
            guard let data = Data(base64Encoded: try decodeString(at: index)) else { throw Mismatch() }
            if let data = data as? T { return data }
        }
        if T.self == URL.self {
            guard let url = URL(string: try decodeString(at: index)) else { throw Mismatch() }
            if let url = url as? T { return url }
        }
        if T.self == Decimal.self { throw Mismatch() }
        let saved = current
        current = index
        defer { current = saved }
        return try T(from: self)
    }

    func decodeString(at index: Int) throws -> String {
        guard kind(index) == .string, let string = tokens.string(at: index) else { throw Mismatch() }
        return string
    }

    func decodeBool(at index: Int) throws -> Bool {
        switch kind(index) {
        case .true: true
        case .false: false
        default: throw Mismatch()
        }
    }

    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type, at index: Int) throws -> I {
        guard kind(index) == .number else { throw Mismatch() }
        if let value = tokens.integer(at: index), let exact = I(exactly: value) { return exact }
        // A fraction or exponent that is still a whole number, or a UInt64 beyond Int64.
        guard let double = tokens.double(at: index), let exact = I(exactly: double) else { throw Mismatch() }
        return exact
    }

    func decodeFloatingPoint<F: BinaryFloatingPoint>(_ type: F.Type, at index: Int) throws -> F {
        guard kind(index) == .number, let double = tokens.double(at: index) else { throw Mismatch() }
        if F.self == Double.self, let double = double as? F { return double }
        let value = F(double)
        guard value.isFinite else { throw Mismatch() }
        return value
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard kind(current) == .object else { throw Mismatch() }
        return KeyedDecodingContainer(KeyedReader<Key>(reader: self, object: current))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard kind(current) == .array else { throw Mismatch() }
        return UnkeyedReader(reader: self, array: current)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueReader(reader: self, index: current)
    }
}

struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: JSONTokenReader
    let object: Int
    var codingPath: [any CodingKey] { [] }

    /// The token of `key`'s value, found by walking the members (objects here are small).
    private func find(_ key: Key) -> Int? {
        let tokens = reader.tokens.tokens
        let name = key.stringValue
        var index = object + 1
        let end = Int(tokens[object].next)
        while index < end {
            let valueIndex = index + 1
            if reader.tokens.keyEquals(index, name) { return valueIndex }
            index = Int(tokens[valueIndex].next)
        }
        return nil
    }

    private func value(_ key: Key) throws -> Int {
        guard let index = find(key) else { throw JSONTokenReader.Mismatch() }
        return index
    }

    var allKeys: [Key] {
        let tokens = reader.tokens.tokens
        var keys: [Key] = []
        var index = object + 1
        while index < Int(tokens[object].next) {
            if let name = reader.tokens.string(at: index), let key = Key(stringValue: name) { keys.append(key) }
            index = Int(tokens[index + 1].next)
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { reader.kind(try value(key)) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.decodeBool(at: try value(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader.decodeString(at: try value(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reader.decodeFloatingPoint(type, at: try value(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try reader.decodeFloatingPoint(type, at: try value(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader.decodeInteger(type, at: try value(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader.decodeInteger(type, at: try value(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.decodeValue(type, at: try value(key)) }

    // One walk instead of three (contains, decodeNil, decode) for the commonest optional kinds.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let index = find(key), reader.kind(index) != .null else { return nil }
        return try reader.decodeString(at: index)
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let index = find(key), reader.kind(index) != .null else { return nil }
        return try reader.decodeInteger(type, at: index)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let index = find(key), reader.kind(index) != .null else { return nil }
        return try reader.decodeValue(type, at: index)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let index = try value(key)
        guard reader.kind(index) == .object else { throw JSONTokenReader.Mismatch() }
        return KeyedDecodingContainer(KeyedReader<NestedKey>(reader: reader, object: index))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let index = try value(key)
        guard reader.kind(index) == .array else { throw JSONTokenReader.Mismatch() }
        return UnkeyedReader(reader: reader, array: index)
    }

    func superDecoder() throws -> any Decoder { throw JSONTokenReader.Mismatch() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw JSONTokenReader.Mismatch() }
}

struct UnkeyedReader: UnkeyedDecodingContainer {
    let reader: JSONTokenReader
    let array: Int
    /// The next element's token.
    private var position: Int
    private(set) var currentIndex = 0
    var codingPath: [any CodingKey] { [] }
    var count: Int? { Int(reader.tokens.tokens[array].count) }
    var isAtEnd: Bool { currentIndex >= count ?? 0 }

    init(reader: JSONTokenReader, array: Int) {
        self.reader = reader
        self.array = array
        position = array + 1
    }

    /// The next element's token, moving past it.
    private mutating func next() throws -> Int {
        guard !isAtEnd else { throw JSONTokenReader.Mismatch() }
        let index = position
        position = Int(reader.tokens.tokens[index].next)
        currentIndex += 1
        return index
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw JSONTokenReader.Mismatch() }
        guard reader.kind(position) == .null else { return false }
        _ = try next()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.decodeBool(at: try next()) }
    mutating func decode(_ type: String.Type) throws -> String { try reader.decodeString(at: try next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try reader.decodeFloatingPoint(type, at: try next()) }
    mutating func decode(_ type: Float.Type) throws -> Float { try reader.decodeFloatingPoint(type, at: try next()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.decodeInteger(type, at: try next()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeValue(type, at: try next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let index = try next()
        guard reader.kind(index) == .object else { throw JSONTokenReader.Mismatch() }
        return KeyedDecodingContainer(KeyedReader<NestedKey>(reader: reader, object: index))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let index = try next()
        guard reader.kind(index) == .array else { throw JSONTokenReader.Mismatch() }
        return UnkeyedReader(reader: reader, array: index)
    }

    mutating func superDecoder() throws -> any Decoder { throw JSONTokenReader.Mismatch() }
}

struct SingleValueReader: SingleValueDecodingContainer {
    let reader: JSONTokenReader
    let index: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { reader.kind(index) == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.decodeBool(at: index) }
    func decode(_ type: String.Type) throws -> String { try reader.decodeString(at: index) }
    func decode(_ type: Double.Type) throws -> Double { try reader.decodeFloatingPoint(type, at: index) }
    func decode(_ type: Float.Type) throws -> Float { try reader.decodeFloatingPoint(type, at: index) }
    func decode(_ type: Int.Type) throws -> Int { try reader.decodeInteger(type, at: index) }
    func decode(_ type: Int8.Type) throws -> Int8 { try reader.decodeInteger(type, at: index) }
    func decode(_ type: Int16.Type) throws -> Int16 { try reader.decodeInteger(type, at: index) }
    func decode(_ type: Int32.Type) throws -> Int32 { try reader.decodeInteger(type, at: index) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.decodeInteger(type, at: index) }
    func decode(_ type: UInt.Type) throws -> UInt { try reader.decodeInteger(type, at: index) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.decodeInteger(type, at: index) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.decodeInteger(type, at: index) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.decodeInteger(type, at: index) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.decodeInteger(type, at: index) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeValue(type, at: index) }
}
