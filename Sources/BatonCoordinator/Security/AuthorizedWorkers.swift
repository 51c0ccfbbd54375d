import Foundation

/// The workers allowed to connect: one `WORKER_ID PUBLIC_KEY` pair per line (the Z85 public key
/// `baton keys generate` prints). A line whose first word starts with `#` is a comment, and so is
/// anything after the key; a `#` inside a key is part of the key (Z85 uses it).
package struct AuthorizedWorkers: Sendable, Equatable {
    /// Worker id by public key.
    package let byKey: [String: String]

    package struct ParseError: Error, CustomStringConvertible {
        package let description: String
    }

    package init(byKey: [String: String]) {
        self.byKey = byKey
    }

    package init(contentsOf file: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw ParseError(description: "cannot read the authorized workers file \(file.path): \(error.localizedDescription)")
        }
        try self.init(parsing: text, source: file.path)
    }

    package init(parsing text: String, source: String) throws {
        var byKey: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = rawLine.split(whereSeparator: \.isWhitespace).map(String.init)
            if fields.first?.hasPrefix("#") ?? true { continue }
            if let comment = fields.dropFirst(2).firstIndex(where: { $0.hasPrefix("#") }) { fields.removeSubrange(comment...) }
            guard fields.count == 2 else {
                throw ParseError(description: "\(source):\(index + 1): expected 'WORKER_ID PUBLIC_KEY', found \(fields.count) field(s)")
            }
            guard fields[1].utf8.count == 40 else {
                throw ParseError(description: "\(source):\(index + 1): '\(fields[1])' is not a 40-character Z85 CURVE public key")
            }
            if let other = byKey[fields[1]] {
                throw ParseError(description: "\(source):\(index + 1): the key of \(fields[0]) is already given to \(other)")
            }
            byKey[fields[1]] = fields[0]
        }
        self.byKey = byKey
    }
}
