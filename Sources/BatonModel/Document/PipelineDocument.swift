import Foundation
import Yams

/// Reads and writes pipeline declarations as files: CodePipeline's JSON (bare, wrapped in
/// `{"pipeline": …}`, or as `get-pipeline` prints it with `metadata`) and YAML with the same keys.
/// A member Baton does not know is refused by name, never dropped.
package enum PipelineDocument {
    package enum Format: String, Sendable {
        case json, yaml

        /// By file extension: `.yml`/`.yaml` are YAML, `.json` JSON; nil when the name says nothing.
        package init?(path: String) {
            let lower = path.lowercased()
            if lower.hasSuffix(".yml") || lower.hasSuffix(".yaml") {
                self = .yaml
            } else if lower.hasSuffix(".json") {
                self = .json
            } else {
                return nil
            }
        }
    }

    package enum Failure: Error, Sendable, CustomStringConvertible {
        /// Not JSON (or YAML) at all.
        case syntax(Format, String)
        /// Parsed, but members are unknown or of the wrong type.
        case shape(PipelineValidationError)

        package var description: String {
            switch self {
            case .syntax(let format, let reason): "not valid \(format.rawValue.uppercased()): \(reason)"
            case .shape(let error): error.description
            }
        }
    }

    /// Decodes a declaration; `format` nil means by content (JSON if it parses as JSON, else YAML).
    package static func decode(_ data: Data, format: Format? = nil) throws(Failure) -> PipelineDeclaration {
        let value: JSONValue
        switch format {
        case .json: value = try parseJSON(data)
        case .yaml: value = try parseYAML(data)
        case nil:
            if let json = try? parseJSON(data) {
                value = json
            } else {
                value = try parseYAML(data)
            }
        }
        return try declaration(from: value)
    }

    /// The declaration inside a parsed document, after refusing unknown members.
    package static func declaration(from value: JSONValue) throws(Failure) -> PipelineDeclaration {
        let isWrapped: Bool
        if case .object(let object) = value, object["pipeline"] != nil { isWrapped = true } else { isWrapped = false }
        let schema: DeclarationSchema = isWrapped ? .envelope : .pipeline
        let root = isWrapped ? DeclarationPath([]) : DeclarationPath.pipeline
        let unknown = schema.unknownFields(in: value, at: root)
        if !unknown.isEmpty {
            throw .shape(PipelineValidationError(issues: unknown.map { path, key in
                let at = path.components.isEmpty ? "the top level" : "'\(path)'"
                return .init(exception: .validation, path: path.appending(key),
                             message: "Unknown field '\(key)' at \(at); expected one of: \(expectedKeys(schema, at: path, root: root))")
            }))
        }
        let coerced = schema.coerce(value)
        let target: JSONValue
        if isWrapped, case .object(let object) = coerced, let pipeline = object["pipeline"] { target = pipeline } else { target = coerced }
        do {
            let data = try JSONEncoder().encode(target)
            return try JSONDecoder().decode(PipelineDeclaration.self, from: data)
        } catch let error as DecodingError {
            throw .shape(PipelineValidationError(issues: [issue(for: error)]))
        } catch {
            throw .syntax(.json, "\(error)")
        }
    }

    package static func encode(_ declaration: PipelineDeclaration, as format: Format) -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(["pipeline": declaration])) ?? Data(), as: UTF8.self)
        case .yaml:
            return (try? YAMLEncoder().encode(["pipeline": declaration])) ?? ""
        }
    }

    // MARK: - Parsing

    static func parseJSON(_ data: Data) throws(Failure) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw .syntax(.json, underlying ?? context.debugDescription)
        } catch {
            throw .syntax(.json, "\(error)")
        }
    }

    static func parseYAML(_ data: Data) throws(Failure) -> JSONValue {
        let text = String(decoding: data, as: UTF8.self)
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw .syntax(.yaml, "\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        guard let loaded else { throw .syntax(.yaml, "the document is empty") }
        return jsonValue(loaded)
    }

    private static func jsonValue(_ any: Any) -> JSONValue {
        switch any {
        case let value as Bool: .bool(value)
        case let value as Int: .number(Double(value))
        case let value as Double: .number(value)
        case let value as String: .string(value)
        case let value as [Any]: .array(value.map(jsonValue))
        case let value as [AnyHashable: Any]:
            .object(Dictionary(value.map { ("\($0.key)", jsonValue($0.value)) }, uniquingKeysWith: { first, _ in first }))
        case is NSNull: .null
        default: .string("\(any)")
        }
    }

    // MARK: - Errors

    private static func expectedKeys(_ schema: DeclarationSchema, at path: DeclarationPath, root: DeclarationPath) -> String {
        var current = schema
        for component in path.components.dropFirst(root.components.count) {
            switch current {
            case .object(let members): current = members[component] ?? .anything
            case .list(let element) where component == "member": current = element
            case .list: continue
            case .map(let element): current = element
            default: return ""
            }
        }
        if case .object(let members) = current { return members.keys.sorted().joined(separator: ", ") }
        return ""
    }

    static func issue(for error: DecodingError) -> PipelineValidationError.Issue {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> DeclarationPath {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            var components = ["pipeline"]
            for key in keys {
                if let index = key.intValue { components += ["\(index + 1)", "member"] } else { components.append(key.stringValue) }
            }
            return DeclarationPath(components)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context, key)
            return .init(exception: .validation, path: at, message: "Value null at '\(at)' failed to satisfy constraint: Member must not be null")
        case .valueNotFound(_, let context):
            let at = path(context)
            return .init(exception: .validation, path: at, message: "Value null at '\(at)' failed to satisfy constraint: Member must not be null")
        case .typeMismatch(let type, let context):
            let at = path(context)
            // In YAML, an unquoted value containing ": " becomes a mapping: say so.
            let expected = type == String.self ? "a string (in YAML, quote a value that contains ': ')"
                : type == Int.self ? "an integer" : (type == [Any].self ? "a list" : "\(type)")
            return .init(exception: .validation, path: at, message: "Value at '\(at)' must be \(expected)")
        case .dataCorrupted(let context):
            let at = path(context)
            if context.debugDescription.hasPrefix("Value '") {
                // Our own enum and digest decoders already speak botocore's form; add the path.
                let text = context.debugDescription.replacingOccurrences(of: "' failed to satisfy", with: "' at '\(at)' failed to satisfy")
                return .init(exception: .validation, path: at, message: text)
            }
            return .init(exception: .validation, path: at, message: "Value at '\(at)' is not valid: \(context.debugDescription)")
        @unknown default:
            return .init(exception: .validation, path: .pipeline, message: "\(error)")
        }
    }
}
