import Foundation

// The three container kinds of `JSONStreamWriter`. Each knows the depth and id of the JSON
// object or array it writes into; every write first lets the writer close what the previous
// value left open.

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONStreamWriter
    let depth: Int
    let id: Int
    var codingPath: [any CodingKey] { [] }

    private func begin(_ key: Key) { writer.beginEntry(key.stringValue, depth: depth, id: id) }

    mutating func encodeNil(forKey key: Key) throws { begin(key); writer.writeNull() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { begin(key); writer.writeBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { begin(key); writer.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { begin(key); try writer.writeFloatingPoint(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { begin(key); try writer.writeFloatingPoint(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { begin(key); writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { begin(key); try writer.encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        begin(key)
        let (depth, id) = writer.open(isObject: true)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, depth: depth, id: id))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        begin(key)
        let (depth, id) = writer.open(isObject: false)
        return UnkeyedContainer(writer: writer, depth: depth, id: id)
    }

    mutating func superEncoder() -> any Encoder {
        writer.unsupported = true
        return writer
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.unsupported = true
        return writer
    }
}

struct UnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONStreamWriter
    let depth: Int
    let id: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(writer: JSONStreamWriter, depth: Int, id: Int) {
        self.writer = writer
        self.depth = depth
        self.id = id
    }

    private mutating func begin() {
        writer.beginElement(depth: depth, id: id)
        count += 1
    }

    mutating func encodeNil() throws { begin(); writer.writeNull() }
    mutating func encode(_ value: Bool) throws { begin(); writer.writeBool(value) }
    mutating func encode(_ value: String) throws { begin(); writer.writeString(value) }
    mutating func encode(_ value: Double) throws { begin(); try writer.writeFloatingPoint(value) }
    mutating func encode(_ value: Float) throws { begin(); try writer.writeFloatingPoint(value) }
    mutating func encode(_ value: Int) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { begin(); writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { begin(); try writer.encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        begin()
        let (depth, id) = writer.open(isObject: true)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, depth: depth, id: id))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        begin()
        let (depth, id) = writer.open(isObject: false)
        return UnkeyedContainer(writer: writer, depth: depth, id: id)
    }

    mutating func superEncoder() -> any Encoder {
        writer.unsupported = true
        return writer
    }
}

/// The value itself, written where its parent put the key or separator.
struct SingleValueContainer: SingleValueEncodingContainer {
    let writer: JSONStreamWriter
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { writer.writeNull() }
    mutating func encode(_ value: Bool) throws { writer.writeBool(value) }
    mutating func encode(_ value: String) throws { writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try writer.writeFloatingPoint(value) }
    mutating func encode(_ value: Float) throws { try writer.writeFloatingPoint(value) }
    mutating func encode(_ value: Int) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.encodeValue(value) }
}
