/// A JSON text split into tokens, one per value, in document order: an object's children are its
/// keys and values alternating, and each token knows where its subtree ends, so a reader can
/// step over a value without looking inside it. Parsing checks the whole grammar (RFC 8259).
struct JSONTokens {
    enum Kind: UInt8 {
        case object, array, string, number, `true`, `false`, null
    }

    struct Token {
        var kind: Kind
        /// For strings, the bytes between the quotes; for numbers and literals, the text;
        /// for containers, the brackets.
        var start: Int32
        var end: Int32
        /// Index of the first token after this value's subtree.
        var next: Int32
        /// Children: members × 2 for objects, elements for arrays.
        var count: Int32
        /// A string with backslash escapes (or bytes that must be checked as UTF-8).
        var needsUnescaping: Bool
    }

    struct Malformed: Error {}

    let bytes: [UInt8]
    private(set) var tokens: [Token] = []

    init(_ bytes: [UInt8]) throws(Malformed) {
        self.bytes = bytes
        tokens.reserveCapacity(bytes.count / 8 + 4)
        var position = 0
        skipSpace(&position)
        try parseValue(&position, depth: 0)
        skipSpace(&position)
        guard position == bytes.count else { throw Malformed() }
    }

    private func skipSpace(_ position: inout Int) {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue(_ position: inout Int, depth: Int) throws(Malformed) {
        guard position < bytes.count, depth < 512 else { throw Malformed() }
        switch bytes[position] {
        case UInt8(ascii: "{"): try parseContainer(&position, depth: depth, isObject: true)
        case UInt8(ascii: "["): try parseContainer(&position, depth: depth, isObject: false)
        case UInt8(ascii: "\""): try parseString(&position)
        case UInt8(ascii: "t"): try parseLiteral(&position, "true", .true)
        case UInt8(ascii: "f"): try parseLiteral(&position, "false", .false)
        case UInt8(ascii: "n"): try parseLiteral(&position, "null", .null)
        default: try parseNumber(&position)
        }
    }

    private mutating func parseContainer(_ position: inout Int, depth: Int, isObject: Bool) throws(Malformed) {
        let index = tokens.count
        tokens.append(Token(kind: isObject ? .object : .array, start: Int32(position), end: 0, next: 0, count: 0, needsUnescaping: false))
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        position += 1
        skipSpace(&position)
        var count: Int32 = 0
        if position < bytes.count, bytes[position] == close {
            position += 1
        } else {
            while true {
                if isObject {
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw Malformed() }
                    try parseString(&position)
                    skipSpace(&position)
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw Malformed() }
                    position += 1
                    skipSpace(&position)
                    count += 1
                }
                try parseValue(&position, depth: depth + 1)
                count += 1
                skipSpace(&position)
                guard position < bytes.count else { throw Malformed() }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    skipSpace(&position)
                    continue
                }
                guard bytes[position] == close else { throw Malformed() }
                position += 1
                break
            }
        }
        tokens[index].end = Int32(position)
        tokens[index].count = count
        tokens[index].next = Int32(tokens.count)
    }

    private mutating func parseString(_ position: inout Int) throws(Malformed) {
        position += 1
        let start = position
        var needsUnescaping = false
        while true {
            guard position < bytes.count else { throw Malformed() }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw Malformed() }
            if byte == UInt8(ascii: "\\") {
                needsUnescaping = true
                position += 1
                guard position < bytes.count else { throw Malformed() }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    guard position + 4 < bytes.count else { throw Malformed() }
                    for offset in 1...4 where Self.hexValue(bytes[position + offset]) == nil { throw Malformed() }
                    position += 5
                default:
                    throw Malformed()
                }
                continue
            }
            if byte >= 0x80 { needsUnescaping = true }
            position += 1
        }
        tokens.append(Token(kind: .string, start: Int32(start), end: Int32(position), next: Int32(tokens.count + 1), count: 0, needsUnescaping: needsUnescaping))
        position += 1
    }

    private mutating func parseLiteral(_ position: inout Int, _ text: StaticString, _ kind: Kind) throws(Malformed) {
        let length = text.utf8CodeUnitCount
        guard position + length <= bytes.count else { throw Malformed() }
        let literal = UnsafeBufferPointer(start: text.utf8Start, count: length)
        for offset in 0..<length where bytes[position + offset] != literal[offset] { throw Malformed() }
        tokens.append(Token(kind: kind, start: Int32(position), end: Int32(position + length), next: Int32(tokens.count + 1), count: 0, needsUnescaping: false))
        position += length
    }

    private mutating func parseNumber(_ position: inout Int) throws(Malformed) {
        let start = position
        func digits(_ position: inout Int) -> Int {
            let first = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
            return position - first
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw Malformed() }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            guard digits(&position) > 0 else { throw Malformed() }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&position) > 0 else { throw Malformed() }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits(&position) > 0 else { throw Malformed() }
        }
        tokens.append(Token(kind: .number, start: Int32(start), end: Int32(position), next: Int32(tokens.count + 1), count: 0, needsUnescaping: false))
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: Reading values

    /// The text of a string token; nil if its escapes or UTF-8 are not valid.
    func string(at index: Int) -> String? {
        let token = tokens[index]
        let range = Int(token.start)..<Int(token.end)
        guard token.needsUnescaping else {
            return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                position += 1
                continue
            }
            let escape = bytes[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(at: position) else { return nil }
                position += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    // A surrogate pair: the low half must follow.
                    guard position + 6 <= range.upperBound, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u"),
                          let low = hex4(at: position + 2), (0xDC00...0xDFFF).contains(low)
                    else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: out.append(escape)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private func hex4(at position: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexValue(bytes[position + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// Whether an object member's key (a string token) is `key`.
    func keyEquals(_ index: Int, _ key: String) -> Bool {
        let token = tokens[index]
        if token.needsUnescaping { return string(at: index) == key }
        var key = key
        return key.withUTF8 { utf8 in
            guard utf8.count == Int(token.end - token.start) else { return false }
            return bytes.withUnsafeBufferPointer { buffer in
                utf8.elementsEqual(UnsafeBufferPointer(rebasing: buffer[Int(token.start)..<Int(token.end)]))
            }
        }
    }

    /// A number token as an integer, if it is one without a fraction or exponent.
    func integer(at index: Int) -> Int64? {
        let token = tokens[index]
        var position = Int(token.start)
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value: Int64 = 0
        while position < Int(token.end) {
            let byte = bytes[position]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow, !overflow2 else { return nil }
            value = sum
            position += 1
        }
        return value
    }

    func double(at index: Int) -> Double? {
        let token = tokens[index]
        return bytes.withUnsafeBufferPointer { buffer in
            Double(String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(token.start)..<Int(token.end)]), as: UTF8.self))
        }
    }
}
