/// A `#{Namespace.Key}` reference in a configuration value: `#{variables.Name}` for pipeline
/// variables, `#{codepipeline.PipelineExecutionId}` for execution facts, and `#{Namespace.Key}`
/// for output variables of the action that declared `Namespace`.
package struct VariableReference: Sendable, Hashable, CustomStringConvertible {
    package var namespace: String
    package var key: String

    package init(namespace: String, key: String) {
        self.namespace = namespace
        self.key = key
    }

    package var description: String { "#{\(namespace).\(key)}" }

    package static let pipelineVariables = "variables"
    package static let codepipeline = "codepipeline"
    /// Execution facts Baton resolves in the `codepipeline` namespace. CodePipeline documents
    /// only PipelineExecutionId; the others are Baton's additions.
    package static let codepipelineKeys: Set<String> = ["PipelineExecutionId", "PipelineName", "PipelineVersion", "PipelineExecutionType"]

    package enum SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        case unterminated(at: Int)
        case malformed(String)

        package var description: String {
            switch self {
            case .unterminated(let offset): "a variable reference starting at character \(offset + 1) has no closing '}'"
            case .malformed(let text): "'#{\(text)}' is not a variable reference of the form #{Namespace.Key}"
            }
        }
    }

    /// Every reference in `text`, in order.
    package static func references(in text: String) throws(SyntaxError) -> [VariableReference] {
        var found: [VariableReference] = []
        try scan(text) { reference, _ in found.append(reference) }
        return found
    }

    /// Replaces every reference in `text` with `value(reference)`; a nil value leaves the
    /// reference in place and reports it.
    package static func substitute(
        in text: String, _ value: (VariableReference) -> String?
    ) throws(SyntaxError) -> (result: String, unresolved: [VariableReference]) {
        var result = ""
        var unresolved: [VariableReference] = []
        var copied = text.startIndex
        try scan(text) { reference, range in
            result += text[copied..<range.lowerBound]
            if let replacement = value(reference) {
                result += replacement
            } else {
                result += text[range]
                unresolved.append(reference)
            }
            copied = range.upperBound
        }
        result += text[copied...]
        return (result, unresolved)
    }

    private static func scan(_ text: String, _ found: (VariableReference, Range<String.Index>) -> Void) throws(SyntaxError) {
        var index = text.startIndex
        while let hash = text[index...].firstIndex(of: "#") {
            let open = text.index(after: hash)
            guard open < text.endIndex, text[open] == "{" else {
                index = open
                continue
            }
            let bodyStart = text.index(after: open)
            guard let close = text[bodyStart...].firstIndex(of: "}") else {
                throw .unterminated(at: text.distance(from: text.startIndex, to: hash))
            }
            let body = text[bodyStart..<close]
            let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            func valid(_ part: Substring) -> Bool {
                !part.isEmpty && part.unicodeScalars.allSatisfy { $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || "@-_".unicodeScalars.contains($0) }
            }
            guard parts.count == 2, valid(parts[0]), valid(parts[1]) else { throw .malformed(String(body)) }
            found(VariableReference(namespace: String(parts[0]), key: String(parts[1])), hash..<text.index(after: close))
            index = text.index(after: close)
        }
    }
}
