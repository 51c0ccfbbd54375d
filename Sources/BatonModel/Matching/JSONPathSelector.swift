/// The JSON paths webhook filters use: `$` then `.member` and `[index]` steps, such as
/// `$.ref` or `$.commits[0].author.name`. Selecting yields the value there as text (a string as
/// is, a number or boolean as written), or nil when the path leads nowhere or to an object.
package struct JSONPathSelector: Sendable, Hashable {
    enum Step: Hashable {
        case member(String)
        case index(Int)
    }

    let steps: [Step]

    package init?(_ path: String) {
        guard path.hasPrefix("$"), (1...150).contains(path.count) else { return nil }
        var steps: [Step] = []
        var rest = Substring(path.dropFirst())
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(.member(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else { return nil }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        self.steps = steps
    }

    package func select(in value: JSONValue) -> String? {
        var current = value
        for step in steps {
            switch (step, current) {
            case (.member(let name), .object(let object)):
                guard let next = object[name] else { return nil }
                current = next
            case (.index(let index), .array(let array)):
                guard array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        switch current {
        case .string(let text): return text
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}

/// An IPv4 range in CIDR notation (`10.0.0.0/8`), for webhooks with IP authentication.
package struct IPRange: Sendable, Hashable {
    let network: UInt32
    let mask: UInt32

    package init?(_ cidr: String) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits), let address = Self.address(String(parts[0])) else { return nil }
        mask = bits == 0 ? 0 : UInt32.max << (32 - bits)
        network = address & mask
    }

    package func contains(_ text: String) -> Bool {
        guard let address = Self.address(text) else { return false }
        return address & mask == network
    }

    static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
        return octets.reduce(0) { $0 << 8 | $1 }
    }
}
