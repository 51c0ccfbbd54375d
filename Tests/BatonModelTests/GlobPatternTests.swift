import Foundation
import Testing
@testable import BatonModel

@Suite struct GlobPatternTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let pattern: String
        let matches: [String]
        let rejects: [String]
        var testDescription: String { pattern }
    }

    static let cases: [Case] = [
        Case(pattern: "*.txt", matches: ["a.txt", ".txt"], rejects: ["dir/a.txt", "a.txt.bak"]),
        Case(pattern: "**/*.txt", matches: ["a.txt", "d/a.txt", "d/e/a.txt"], rejects: ["a.md", "d/a.md"]),
        Case(pattern: "dist/**", matches: ["dist/a", "dist/x/y/z"], rejects: ["dist", "src/dist/a"]),
        Case(pattern: "docs/**", matches: ["docs/readme.md"], rejects: ["services/api/docs"]),
        Case(pattern: "services/*/src/**", matches: ["services/api/src/main.go"], rejects: ["services/api/v1/src/x", "services/src/x"]),
        Case(pattern: "file?.log", matches: ["file1.log", "fileA.log"], rejects: ["file.log", "file12.log", "file/.log"]),
        Case(pattern: "[abc].c", matches: ["a.c", "c.c"], rejects: ["d.c", "ab.c"]),
        Case(pattern: "[a-c][!0-9]", matches: ["ax", "c-"], rejects: ["a1", "dx"]),
        Case(pattern: "*.{js,ts}", matches: ["a.js", "b.ts"], rejects: ["c.rb", "a.js.map"]),
        Case(pattern: "{src,test}/**/*.{c,h}", matches: ["src/a.c", "test/x/y.h"], rejects: ["lib/a.c", "src/a.o"]),
        Case(pattern: "release-v[0-9]*", matches: ["release-v1", "release-v10.2"], rejects: ["release-va", "release-v"]),
        Case(pattern: "\\*literal", matches: ["*literal"], rejects: ["xliteral"]),
        Case(pattern: "**", matches: ["a", "a/b/c"], rejects: []),
        Case(pattern: "main", matches: ["main"], rejects: ["main2", "feature/main"]),
    ]

    @Test(arguments: cases)
    func patternsMatchWhatTheySay(_ testCase: Case) {
        let glob = GlobPattern(testCase.pattern)
        for path in testCase.matches { #expect(glob.matches(path), "\(testCase.pattern) should match \(path)") }
        for path in testCase.rejects { #expect(!glob.matches(path), "\(testCase.pattern) should not match \(path)") }
    }

    /// Every pattern and path over a small alphabet, against an independent matcher built on
    /// regular expressions.
    @Test func agreesWithARegexTranslationExhaustively() throws {
        let patternAlphabet = ["a", "b", "/", "*", "?", "**/", "[ab]", "[!a]", "{a,b/}"]
        let pathAlphabet: [Character] = ["a", "b", "/"]
        var patterns: [String] = [""]
        for _ in 0..<3 { patterns = patterns.flatMap { prefix in patternAlphabet.map { prefix + $0 } } + patterns }
        // Three-part patterns whose braces would nest or abut are not in the comparison's scope.
        patterns = patterns.filter { !$0.contains("}{") }
        var paths: [String] = [""]
        for _ in 0..<4 { paths = paths.flatMap { prefix in pathAlphabet.map { prefix + String($0) } } + paths }
        patterns = Array(Set(patterns)).sorted()
        paths = Array(Set(paths)).sorted()
        var checked = 0
        for pattern in patterns {
            let regex = try NSRegularExpression(pattern: "^" + Self.regex(for: pattern) + "$")
            let glob = GlobPattern(pattern)
            for path in paths {
                let expected = regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
                #expect(glob.matches(path) == expected, "pattern '\(pattern)' path '\(path)'")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    /// `**/` → any run of whole segments, `**` → anything, `*` → within a segment, `?` → one non-slash.
    static func regex(for pattern: String) -> String {
        var result = ""
        var chars = Array(pattern)[...]
        while let c = chars.first {
            if chars.starts(with: ["*", "*", "/"]) {
                result += "(?:[^/]*/)*"
                chars = chars.dropFirst(3)
            } else if chars.starts(with: ["*", "*"]) {
                result += ".*"
                chars = chars.dropFirst(2)
            } else if c == "*" {
                result += "[^/]*"
                chars = chars.dropFirst()
            } else if c == "?" {
                result += "[^/]"
                chars = chars.dropFirst()
            } else if chars.starts(with: Array("[ab]")) {
                result += "[ab]"
                chars = chars.dropFirst(4)
            } else if chars.starts(with: Array("[!a]")) {
                result += "[^a/]"
                chars = chars.dropFirst(4)
            } else if chars.starts(with: Array("{a,b/}")) {
                result += "(?:a|b/)"
                chars = chars.dropFirst(6)
            } else {
                result += NSRegularExpression.escapedPattern(for: String(c))
                chars = chars.dropFirst()
            }
        }
        return result
    }
}
