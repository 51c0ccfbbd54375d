import Foundation

/// The worker's stand-in for Parameter Store and Secrets Manager: a JSON file
/// `{"parameters": {"/app/db-host": "db.internal"}, "secrets": {"prod/db": "{\"password\":\"…\"}"}}`
/// (`baton worker --secrets FILE`, env `BATON_SECRETS`). Read for each job, so edits apply at once.
struct LocalSecrets {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    private var parameters: [String: String] = [:]
    private var secrets: [String: String] = [:]
    private let source: String

    init(file: URL?) throws(Missing) {
        source = file?.path ?? "(no --secrets file)"
        guard let file else { return }
        guard let data = try? Data(contentsOf: file) else { throw Missing(description: "cannot read the secrets file \(file.path)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Missing(description: "the secrets file \(file.path) is not a JSON object with \"parameters\" and \"secrets\"")
        }
        parameters = Self.strings(object["parameters"])
        secrets = Self.strings(object["secrets"])
    }

    private static func strings(_ value: Any?) -> [String: String] {
        guard let mapping = value as? [String: Any] else { return [:] }
        return mapping.mapValues { value in
            if let text = value as? String { return text }
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) { return String(decoding: data, as: UTF8.self) }
            return "\(value)"
        }
    }

    func parameter(_ name: String) throws(Missing) -> String {
        guard let value = parameters[name] else { throw Missing(description: "parameter \(name) is not in \(source)") }
        return value
    }

    /// A Secrets Manager reference, `secret-id[:json-key[:version-stage[:version-id]]]`.
    func secret(_ reference: String) throws(Missing) -> String {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let id = parts[0]
        guard let value = secrets[id] else { throw Missing(description: "secret \(id) is not in \(source)") }
        guard parts.count > 1, !parts[1].isEmpty else { return value }
        let key = parts[1]
        guard let object = (try? JSONSerialization.jsonObject(with: Data(value.utf8))) as? [String: Any], let field = object[key] else {
            throw Missing(description: "secret \(id) has no JSON key \(key)")
        }
        return (field as? String) ?? "\(field)"
    }
}
