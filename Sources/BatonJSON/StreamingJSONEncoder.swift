import Foundation

// BatonJSON: a JSON encoder for the hot paths (store records, wire headers) that writes bytes
// while it walks the value, where Foundation's JSONEncoder first builds a tree of boxed values
// and then serialises it: about 20 MB/s on a pipeline execution record here, which made encoding
// the largest part of committing a step.

/// Encodes `Encodable` values as Foundation's `JSONEncoder` does with default strategies: with
/// `sortedKeys`, to the same bytes (the wire's golden fixtures depend on it); without, to the
/// same JSON with keys in the order they are encoded (JSONEncoder's is its hash table's).
///
/// Values are written as they are encoded. A container used after a sibling was opened (which
/// synthesised conformances never do), `superEncoder`, or a `Decimal` make it hand the whole
/// value to `JSONEncoder` instead, so the output is always what `JSONEncoder` would give.
package struct StreamingJSONEncoder: Sendable {
    package var sortedKeys: Bool
    package var escapeSlashes: Bool

    package init(sortedKeys: Bool = false, escapeSlashes: Bool = false) {
        self.sortedKeys = sortedKeys
        self.escapeSlashes = escapeSlashes
    }

    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = JSONStreamWriter(sortedKeys: sortedKeys, escapeSlashes: escapeSlashes)
        do {
            try writer.encodeValue(value)
            writer.close(toDepth: 0)
            if writer.unsupported { return try fallback(value) }
            return writer.bytes
        } catch is JSONStreamWriter.Unsupported {
            return try fallback(value)
        } catch let error as EncodingError {
            // Foundation's error carries the coding path, which this writer does not keep.
            _ = try fallback(value)
            throw error
        }
    }

    private func fallback<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        var formatting: JSONEncoder.OutputFormatting = []
        if sortedKeys { formatting.insert(.sortedKeys) }
        if !escapeSlashes { formatting.insert(.withoutEscapingSlashes) }
        encoder.outputFormatting = formatting
        return Array(try encoder.encode(value))
    }
}

/// The one `Encoder` of an encoding: containers are views onto its stack of open JSON objects
/// and arrays, and a container that writes first closes whatever its nested values left open.
final class JSONStreamWriter: Encoder {
    struct Unsupported: Error {}

    /// An open object or array. In sorted mode an object's values are written in the order they
    /// come, each remembered by key (in `State.entries`, from `firstEntry` on), and reordered when
    /// the object closes.
    struct OpenContainer {
        let id: Int
        let isObject: Bool
        /// Index of the `{` or `[` in `bytes`.
        let start: Int
        let firstEntry: Int
        var count = 0
    }

    struct State {
        var bytes: [UInt8] = []
        var stack: [OpenContainer] = []
        var nextID = 0
        var unsupported = false
        /// Sorted mode: the keys and starts of the open objects' entries, innermost last. A nested
        /// object closes before its parent's next entry begins, so each object's are on top when
        /// it closes. One array for all, and the reorder's buffers below, so that sorting an
        /// object allocates nothing once they have grown.
        var entries: [(key: String, start: Int)] = []
        var spans: [(key: String, range: Range<Int>)] = []
        var scratch: [UInt8] = []
    }

    /// The mutable state lives behind a pointer: stored properties of a class are checked for
    /// exclusive access at run time on every access, which cost more than the writing itself.
    private let state: UnsafeMutablePointer<State>
    let sortedKeys: Bool
    let escapeSlashes: Bool

    var bytes: [UInt8] {
        get { state.pointee.bytes }
        _modify { yield &state.pointee.bytes }
    }
    var stack: [OpenContainer] {
        get { state.pointee.stack }
        _modify { yield &state.pointee.stack }
    }
    var nextID: Int {
        get { state.pointee.nextID }
        _modify { yield &state.pointee.nextID }
    }
    var unsupported: Bool {
        get { state.pointee.unsupported }
        _modify { yield &state.pointee.unsupported }
    }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(sortedKeys: Bool, escapeSlashes: Bool) {
        self.sortedKeys = sortedKeys
        self.escapeSlashes = escapeSlashes
        state = .allocate(capacity: 1)
        state.initialize(to: State())
        // Room for a typical record or header at once, instead of growing from nothing.
        state.pointee.bytes.reserveCapacity(1024)
        state.pointee.stack.reserveCapacity(16)
        if sortedKeys { state.pointee.entries.reserveCapacity(64) }
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    // MARK: Containers

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (depth, id) = open(isObject: true)
        return KeyedEncodingContainer(KeyedContainer<Key>(writer: self, depth: depth, id: id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (depth, id) = open(isObject: false)
        return UnkeyedContainer(writer: self, depth: depth, id: id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(writer: self)
    }

    /// Opens an object or an array where the current value goes; returns its depth and id.
    func open(isObject: Bool) -> (depth: Int, id: Int) {
        nextID += 1
        stack.append(OpenContainer(id: nextID, isObject: isObject, start: bytes.count, firstEntry: state.pointee.entries.count))
        bytes.append(isObject ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return (stack.count, nextID)
    }

    /// Closes every container deeper than `depth`.
    func close(toDepth depth: Int) {
        while stack.count > depth {
            let container = stack.removeLast()
            if container.isObject && sortedKeys {
                if state.pointee.entries.count - container.firstEntry > 1 { reorder(container) } else { bytes.append(UInt8(ascii: "}")) }
                state.pointee.entries.removeSubrange(container.firstEntry...)
            } else {
                bytes.append(container.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            }
        }
    }

    /// Rewrites a sorted-mode object's entries in key order. Each entry runs from its start (a
    /// comma for all but the first) to the next entry's start.
    /// Entries already in key order (as where a type declares its keys so) stay where they are.
    private func reorder(_ container: OpenContainer) {
        let state = self.state
        let bodyStart = container.start + 1
        let end = state.pointee.bytes.count
        let first = container.firstEntry
        let last = state.pointee.entries.count - 1
        var inOrder = true
        for index in first..<last where !state.pointee.entries[index].key.utf8.lexicographicallyPrecedes(state.pointee.entries[index + 1].key.utf8) {
            inOrder = false
            break
        }
        guard !inOrder else {
            state.pointee.bytes.append(UInt8(ascii: "}"))
            return
        }
        state.pointee.spans.removeAll(keepingCapacity: true)
        state.pointee.spans.reserveCapacity(max(32, last - first + 1))
        for index in first...last {
            let entry = state.pointee.entries[index]
            let start = state.pointee.bytes[entry.start] == UInt8(ascii: ",") ? entry.start + 1 : entry.start
            let stop = index < last ? state.pointee.entries[index + 1].start : end
            state.pointee.spans.append((entry.key, (start - bodyStart)..<(stop - bodyStart)))
        }
        state.pointee.scratch.removeAll(keepingCapacity: true)
        // Outer objects reorder after inner ones: room for everything written so far, once.
        state.pointee.scratch.reserveCapacity(state.pointee.bytes.capacity)
        state.pointee.scratch.append(contentsOf: state.pointee.bytes[bodyStart..<end])
        state.pointee.bytes.removeSubrange(bodyStart...)
        state.pointee.spans.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        state.pointee.scratch.withUnsafeBufferPointer { body in
            for index in state.pointee.spans.indices {
                if index > 0 { state.pointee.bytes.append(UInt8(ascii: ",")) }
                state.pointee.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: body[state.pointee.spans[index].range]))
            }
        }
        state.pointee.bytes.append(UInt8(ascii: "}"))
    }

    /// Before a container at `depth` (with `id`) writes: closes what its last value left open,
    /// and notes a container used out of order.
    func prepare(depth: Int, id: Int) {
        guard depth <= stack.count, depth == 0 || stack[depth - 1].id == id else {
            unsupported = true
            return
        }
        close(toDepth: depth)
    }

    /// Writes the separator and key of a new entry in the object at `depth`.
    func beginEntry(_ key: String, depth: Int, id: Int) {
        prepare(depth: depth, id: id)
        guard !unsupported else { return }
        let index = depth - 1
        if sortedKeys { state.pointee.entries.append((key, bytes.count)) }
        if stack[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        stack[index].count += 1
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes the separator of a new element in the array at `depth`.
    func beginElement(depth: Int, id: Int) {
        prepare(depth: depth, id: id)
        guard !unsupported else { return }
        let index = depth - 1
        if stack[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        stack[index].count += 1
    }

    // MARK: Values

    func encodeValue<T: Encodable>(_ value: T) throws {
        if T.self == String.self, let string = value as? String { return writeString(string) }
        if T.self == Data.self, let data = value as? Data { return writeString(data.base64EncodedString()) }
        if T.self == URL.self, let url = value as? URL { return writeString(url.absoluteString) }
        if T.self == Decimal.self { throw Unsupported() }
        let depth = stack.count
        let mark = bytes.count
        try value.encode(to: self)
        close(toDepth: depth)
        // A value that asked for no container at all is an empty object, as in JSONEncoder,
        // which refuses one at the top.
        if bytes.count == mark {
            if mark == 0 { throw Unsupported() }
            bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
        }
    }

    func writeString(_ string: String) {
        JSONEscaping.appendString(string, to: &state.pointee.bytes, escapeSlashes: escapeSlashes)
    }

    func writeInteger(_ value: some BinaryInteger) {
        JSONEscaping.appendInteger(value, to: &state.pointee.bytes)
    }

    /// Shortest round-trip digits, as JSONEncoder writes them: `5` rather than `5.0`.
    func writeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        JSONEscaping.appendDouble(value, to: &state.pointee.bytes)
    }

    func writeBool(_ value: Bool) {
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
    }

    func writeNull() {
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }
}
