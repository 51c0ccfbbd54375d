/// A glob as CodePipeline's trigger filters and CodeBuild's artifact `files` use it:
/// `*` (any run within one path segment), `**` (any run of segments), `?` (one character but
/// `/`), `[abc]`, `[a-z]`, `[!a]` (a class), `{a,b}` (alternatives) and `\` (escape).
package struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    package let pattern: String
    private let alternatives: [[Character]]

    package init(_ pattern: String) {
        self.pattern = pattern
        alternatives = Self.expandBraces(Array(pattern)).map { $0 }
    }

    package var description: String { pattern }

    package func matches(_ path: String) -> Bool {
        let text = Array(path)
        return alternatives.contains { Self.match($0[...], text[...]) }
    }

    // MARK: - Matching

    private static func match(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        var p = pattern
        var t = text
        while let head = p.first {
            switch head {
            case "*":
                if p.dropFirst().first == "*" {
                    // `**`: any number of whole segments. `**/` may also match nothing.
                    var rest = p.dropFirst(2)
                    if rest.first == "/" {
                        rest = rest.dropFirst()
                        if match(rest, t) { return true }
                        var index = t.startIndex
                        while index < t.endIndex {
                            if t[index] == "/", match(rest, t[(index + 1)...]) { return true }
                            index += 1
                        }
                        return false
                    }
                    if rest.isEmpty { return true }
                    var index = t.startIndex
                    while index <= t.endIndex {
                        if match(rest, t[index...]) { return true }
                        index += 1
                    }
                    return false
                }
                let rest = p.dropFirst()
                var index = t.startIndex
                while true {
                    if match(rest, t[index...]) { return true }
                    if index == t.endIndex || t[index] == "/" { return false }
                    index += 1
                }
            case "?":
                guard let c = t.first, c != "/" else { return false }
                p = p.dropFirst()
                t = t.dropFirst()
            case "[":
                guard let c = t.first, c != "/", let (matched, rest) = matchClass(p, c) else {
                    // An unterminated `[` is a literal.
                    if closingBracket(p) == nil, t.first == "[" {
                        p = p.dropFirst()
                        t = t.dropFirst()
                        continue
                    }
                    return false
                }
                guard matched else { return false }
                p = rest
                t = t.dropFirst()
            case "\\":
                let literal = p.dropFirst().first ?? "\\"
                guard t.first == literal else { return false }
                p = p.dropFirst(2)
                t = t.dropFirst()
            default:
                guard t.first == head else { return false }
                p = p.dropFirst()
                t = t.dropFirst()
            }
        }
        return t.isEmpty
    }

    private static func closingBracket(_ p: ArraySlice<Character>) -> ArraySlice<Character>.Index? {
        var index = p.startIndex + 1
        if index < p.endIndex, p[index] == "!" || p[index] == "^" { index += 1 }
        if index < p.endIndex, p[index] == "]" { index += 1 }
        while index < p.endIndex {
            if p[index] == "]" { return index }
            index += 1
        }
        return nil
    }

    /// Matches `c` against the class at the start of `p`; returns whether it matched and the
    /// pattern after the class, or nil when the class is not terminated.
    private static func matchClass(_ p: ArraySlice<Character>, _ c: Character) -> (Bool, ArraySlice<Character>)? {
        guard let end = closingBracket(p) else { return nil }
        var body = p[(p.startIndex + 1)..<end]
        var negated = false
        if let first = body.first, first == "!" || first == "^" {
            negated = true
            body = body.dropFirst()
        }
        var matched = false
        var index = body.startIndex
        while index < body.endIndex {
            let low = body[index]
            if index + 2 < body.endIndex, body[index + 1] == "-" {
                let high = body[index + 2]
                if low <= c && c <= high { matched = true }
                index += 3
            } else {
                if low == c { matched = true }
                index += 1
            }
        }
        return (matched != negated, p[(end + 1)...])
    }

    /// `a{b,c}d` → `abd`, `acd`; nested braces expand too. An unbalanced brace is a literal.
    private static func expandBraces(_ pattern: [Character]) -> [[Character]] {
        var depth = 0
        var open: Int?
        var index = 0
        while index < pattern.count {
            let c = pattern[index]
            if c == "\\" {
                index += 2
                continue
            }
            if c == "{" {
                if depth == 0 { open = index }
                depth += 1
            } else if c == "}", depth > 0 {
                depth -= 1
                if depth == 0, let start = open {
                    let prefix = Array(pattern[..<start])
                    let suffix = Array(pattern[(index + 1)...])
                    let options = splitTopLevel(Array(pattern[(start + 1)..<index]))
                    guard options.count > 1 else {
                        // `{a}` is not an alternation: keep it literal.
                        return expandBraces(Array(pattern[(index + 1)...])).map { prefix + ["{"] + options[0] + ["}"] + $0 }
                    }
                    return options.flatMap { option in expandBraces(prefix + option + suffix) }
                }
            }
            index += 1
        }
        return [pattern]
    }

    private static func splitTopLevel(_ body: [Character]) -> [[Character]] {
        var parts: [[Character]] = [[]]
        var depth = 0
        var index = 0
        while index < body.count {
            let c = body[index]
            if c == "\\", index + 1 < body.count {
                parts[parts.count - 1] += [c, body[index + 1]]
                index += 2
                continue
            }
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append([])
            } else {
                parts[parts.count - 1].append(c)
            }
            index += 1
        }
        return parts
    }
}
