import Foundation

/// The access keys a coordinator accepts, read from a file in the AWS shared-credentials format:
///
///     [ci]
///     aws_access_key_id = AKIABATONCI
///     aws_secret_access_key = s3cr3t
///
/// Any number of sections; each one is a key pair. `#` and `;` start comments.
package struct AccessKeys: Sendable {
    package enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case incomplete(path: String, section: String, missing: String)
        case malformed(path: String, line: Int, text: String)
        case empty(path: String)

        package var description: String {
            switch self {
            case .unreadable(let path, let reason): "\(path): cannot read the credentials file: \(reason)"
            case .incomplete(let path, let section, let missing): "\(path): section [\(section)] has no \(missing)"
            case .malformed(let path, let line, let text): "\(path):\(line): expected '[section]' or 'name = value', found '\(text)'"
            case .empty(let path): "\(path): no access keys (expected sections with aws_access_key_id and aws_secret_access_key)"
            }
        }
    }

    private let secrets: [String: String]

    package init(_ keys: [AccessKey]) {
        secrets = Dictionary(keys.map { ($0.id, $0.secret) }, uniquingKeysWith: { _, last in last })
    }

    package func secret(for id: String) -> String? { secrets[id] }

    package static func load(from path: String) throws(LoadError) -> AccessKeys {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        var keys: [AccessKey] = []
        var section: (name: String, values: [String: String])?
        func close() throws(LoadError) {
            guard let current = section else { return }
            guard let id = current.values["aws_access_key_id"] else { throw .incomplete(path: path, section: current.name, missing: "aws_access_key_id") }
            guard let secret = current.values["aws_secret_access_key"] else { throw .incomplete(path: path, section: current.name, missing: "aws_secret_access_key") }
            keys.append(AccessKey(id: id, secret: secret))
        }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                try close()
                section = (String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces), [:])
                continue
            }
            let pair = line.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, section != nil else { throw .malformed(path: path, line: index + 1, text: line) }
            section?.values[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        try close()
        guard !keys.isEmpty else { throw .empty(path: path) }
        return AccessKeys(keys)
    }
}
