import Foundation

/// Reads JSON by hand, for a hot message whose shape is fixed: the text is checked and split into
/// tokens once (as `TokenJSONDecoder` does), and values are addressed by their token's index.
///
/// Every accessor answers nil for a value of another kind, so a hand-written decoder can give up
/// on anything unexpected and leave the text to `TokenJSONDecoder`, whose errors name the field.
package struct JSONReader {
    private let tokens: JSONTokens

    /// Nil when `bytes` is not JSON.
    package init?(_ bytes: [UInt8]) {
        guard let tokens = try? JSONTokens(bytes) else { return nil }
        self.tokens = tokens
    }

    /// The whole text's value.
    package var root: Int { 0 }

    package func isNull(_ value: Int) -> Bool { tokens.tokens[value].kind == .null }

    /// Calls `body` with each member's key and value, in order, until it returns false. False
    /// when `object` is not an object or `body` stopped.
    package func forEachMember(of object: Int, _ body: (_ key: Int, _ value: Int) -> Bool) -> Bool {
        let all = tokens.tokens
        guard all[object].kind == .object else { return false }
        var index = object + 1
        let end = Int(all[object].next)
        while index < end {
            guard body(index, index + 1) else { return false }
            index = Int(all[index + 1].next)
        }
        return true
    }

    /// Calls `body` with each element, in order, until it returns false. False when `array` is
    /// not an array or `body` stopped.
    package func forEachElement(of array: Int, _ body: (_ element: Int) -> Bool) -> Bool {
        let all = tokens.tokens
        guard all[array].kind == .array else { return false }
        var index = array + 1
        let end = Int(all[array].next)
        while index < end {
            guard body(index) else { return false }
            index = Int(all[index].next)
        }
        return true
    }

    /// Whether the key at `key` is `name` (ASCII, without escapes).
    package func key(_ key: Int, is name: StaticString) -> Bool {
        let token = tokens.tokens[key]
        let length = name.utf8CodeUnitCount
        guard !token.needsUnescaping else {
            return tokens.string(at: key)?.utf8.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: length)) == true
        }
        guard Int(token.end - token.start) == length else { return false }
        return tokens.bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return length == 0 }
            return memcmp(name.utf8Start, base + Int(token.start), length) == 0
        }
    }

    /// A string value, or a key; nil for anything else.
    package func string(_ value: Int) -> String? {
        guard tokens.tokens[value].kind == .string else { return nil }
        return tokens.string(at: value)
    }

    /// A number written as an integer that fits; nil for anything else. (Concrete, not generic:
    /// see `JSONWriter.integer`.)
    package func integer(_ value: Int) -> Int64? {
        guard tokens.tokens[value].kind == .number else { return nil }
        return tokens.integer(at: value)
    }

    package func integer(_ value: Int) -> Int? {
        (integer(value) as Int64?).flatMap(Int.init(exactly:))
    }

    /// The first member named `name` of `object`, read by `read`; nil when absent or unreadable.
    package func member<T>(_ name: StaticString, of object: Int, _ read: (Int) -> T?) -> T? {
        var found: T?
        var seen = false
        let complete = forEachMember(of: object) { key, value in
            guard !seen, self.key(key, is: name) else { return true }
            seen = true
            found = read(value)
            return found != nil
        }
        return complete ? found : nil
    }

    /// An optional member's first occurrence: null is nil, anything else must read. False when
    /// it does not.
    package func optional<T>(_ value: Int, into slot: inout T??, _ read: (Int) -> T?) -> Bool {
        guard slot == nil else { return true }
        if isNull(value) {
            slot = .some(nil)
            return true
        }
        guard let read = read(value) else { return false }
        slot = .some(read)
        return true
    }

    package func array<T>(_ value: Int, _ read: (Int) -> T?) -> [T]? {
        var elements: [T] = []
        let complete = forEachElement(of: value) { element in
            guard let read = read(element) else { return false }
            elements.append(read)
            return true
        }
        return complete ? elements : nil
    }

    package func strings(_ value: Int) -> [String]? {
        array(value) { string($0) }
    }

    package func stringMap(_ value: Int) -> [String: String]? {
        var map: [String: String] = [:]
        let complete = forEachMember(of: value) { key, member in
            guard let name = string(key), let text = string(member) else { return false }
            // A repeated key: the decoder keeps the first.
            if map[name] == nil { map[name] = text }
            return true
        }
        return complete ? map : nil
    }

    /// The first number, in document order, that is not a whole number fitting 64 bits (a
    /// fraction, or too large), with its path (`outputs.artifacts.0.size`) and its text. For
    /// an error message: Foundation's decoder reports such a number as invalid JSON, with no path.
    package func firstNonInteger() -> (path: String, text: String)? {
        var path: [String] = []
        return firstNonInteger(at: root, path: &path)
    }

    private func firstNonInteger(at index: Int, path: inout [String]) -> (path: String, text: String)? {
        let token = tokens.tokens[index]
        switch token.kind {
        case .number:
            // Whole numbers written with an exponent or a fraction of zeros (1e3, 2.0) are
            // integers to the decoders too.
            guard tokens.integer(at: index) == nil, tokens.double(at: index).flatMap({ Int64(exactly: $0) }) == nil else { return nil }
            let text = String(decoding: tokens.bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
            return (path.joined(separator: "."), text)
        case .object:
            var found: (path: String, text: String)?
            _ = forEachMember(of: index) { key, value in
                path.append(string(key) ?? "?")
                found = firstNonInteger(at: value, path: &path)
                path.removeLast()
                return found == nil
            }
            return found
        case .array:
            var found: (path: String, text: String)?
            var position = 0
            _ = forEachElement(of: index) { element in
                path.append(String(position))
                found = firstNonInteger(at: element, path: &path)
                path.removeLast()
                position += 1
                return found == nil
            }
            return found
        default:
            return nil
        }
    }
}
