/// Checks a declaration against CodePipeline's rules (semantics §1 and §4) and collects every
/// problem, so a user fixes them all in one round.
///
/// Shape constraints (lengths, patterns, ranges, enums) are `ValidationException`s in botocore's
/// message format; structural rules use the exception CodePipeline raises for them. When a
/// declaration has problems of several kinds, they are all reported, and the response takes the
/// exception of the first kind in CodePipeline's order: shape, structure, stage, action.
struct PipelineValidator {
    let declaration: PipelineDeclaration
    let actionTypes: ActionTypeRegistry
    var issues: [PipelineValidationError.Issue] = []

    init(_ declaration: PipelineDeclaration, actionTypes: ActionTypeRegistry) {
        self.declaration = declaration
        self.actionTypes = actionTypes
    }

    mutating func run() -> [PipelineValidationError.Issue] {
        checkPipelineShape()
        checkStructure()
        for (index, stage) in declaration.stages.enumerated() {
            checkStage(stage, at: index)
        }
        checkArtifactFlow()
        checkNamespaces()
        checkVariableReferences()
        checkTriggers()
        let rank: [PipelineValidationError.Exception: Int] = [
            .validation: 0, .invalidStructure: 1, .invalidStageDeclaration: 2,
            .invalidActionDeclaration: 3, .invalidBlockerDeclaration: 4,
        ]
        return issues.enumerated()
            .sorted { (rank[$0.element.exception] ?? 9, $0.offset) < (rank[$1.element.exception] ?? 9, $1.offset) }
            .map(\.element)
    }

    // MARK: - Recording

    mutating func fail(_ exception: PipelineValidationError.Exception, _ path: DeclarationPath, _ message: String) {
        issues.append(.init(exception: exception, path: path, message: message))
    }

    /// A shape violation in botocore's words: `Value 'x' at 'path' failed to satisfy constraint: …`.
    mutating func constraint(_ value: String?, at path: DeclarationPath, _ rule: String) {
        let shown = value.map { "'\($0)'" } ?? "null"
        fail(.validation, path, "Value \(shown) at '\(path)' failed to satisfy constraint: \(rule)")
    }

    mutating func checkPattern(
        _ value: String, at path: DeclarationPath, pattern: String, allowed: (Unicode.Scalar) -> Bool, length: ClosedRange<Int>
    ) {
        if !length.contains(value.count) {
            constraint(value, at: path, "Member must have length between \(length.lowerBound) and \(length.upperBound)")
        } else if !value.unicodeScalars.allSatisfy(allowed) {
            constraint(value, at: path, "Member must satisfy regular expression pattern: \(pattern)")
        }
    }

    mutating func checkLength(_ value: String, at path: DeclarationPath, _ length: ClosedRange<Int>) {
        if !length.contains(value.count) {
            constraint(value, at: path, "Member must have length between \(length.lowerBound) and \(length.upperBound)")
        }
    }

    mutating func checkCount<T>(_ list: [T]?, at path: DeclarationPath, _ range: ClosedRange<Int>) {
        guard let list, !range.contains(list.count) else { return }
        constraint("\(list.count) members", at: path, "Member must have length between \(range.lowerBound) and \(range.upperBound)")
    }

    mutating func checkRange(_ value: Int, at path: DeclarationPath, _ range: ClosedRange<Int>) {
        if !range.contains(value) {
            constraint("\(value)", at: path, "Member must have value between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    mutating func checkEnum(_ value: String, at path: DeclarationPath, _ allowed: [String]) {
        if !allowed.contains(value) {
            constraint(value, at: path, "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
        }
    }

    // MARK: - Character classes

    static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    /// `[A-Za-z0-9.@\-_]+`: pipeline, stage and action names.
    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool { isAlphanumeric(c) || ".@-_".unicodeScalars.contains(c) }
    /// `[a-zA-Z0-9_\-]+`: artifact names.
    static func isArtifactCharacter(_ c: Unicode.Scalar) -> Bool { isAlphanumeric(c) || "_-".unicodeScalars.contains(c) }
    /// `[A-Za-z0-9@\-_]+`: namespaces, variable names, output variable keys.
    static func isVariableCharacter(_ c: Unicode.Scalar) -> Bool { isAlphanumeric(c) || "@-_".unicodeScalars.contains(c) }
    /// `[0-9A-Za-z_-]+`: providers and versions.
    static func isProviderCharacter(_ c: Unicode.Scalar) -> Bool { isAlphanumeric(c) || "_-".unicodeScalars.contains(c) }

    mutating func checkName(_ value: String, at path: DeclarationPath) {
        checkPattern(value, at: path, pattern: "[A-Za-z0-9.@\\-_]+", allowed: Self.isNameCharacter, length: 1...100)
    }

    mutating func checkArtifactName(_ value: String, at path: DeclarationPath) {
        checkPattern(value, at: path, pattern: "[a-zA-Z0-9_\\-]+", allowed: Self.isArtifactCharacter, length: 1...100)
    }

    mutating func checkRoleArn(_ value: String?, at path: DeclarationPath) {
        guard let value else { return }
        if value.count > 1024 || !Self.isRoleArn(value) {
            constraint(value, at: path, "Member must satisfy regular expression pattern: arn:aws(-[\\w]+)*:iam::[0-9]{12}:role/.*")
        }
    }

    /// `arn:aws(-[\w]+)*:iam::[0-9]{12}:role/.*`
    static func isRoleArn(_ value: String) -> Bool {
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[3].isEmpty,
              parts[4].count == 12, parts[4].allSatisfy(\.isNumber), parts[5].hasPrefix("role/")
        else { return false }
        let partition = parts[1]
        guard partition.hasPrefix("aws") else { return false }
        let rest = partition.dropFirst(3)
        return rest.isEmpty || (rest.hasPrefix("-") && rest.split(separator: "-").allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
    }
}

extension PipelineDeclaration {
    /// Validates every rule; throws all problems at once.
    package func validate(actionTypes: ActionTypeRegistry = .builtIn) throws(PipelineValidationError) {
        var validator = PipelineValidator(self, actionTypes: actionTypes)
        let issues = validator.run()
        if !issues.isEmpty { throw PipelineValidationError(issues: issues) }
    }

    /// The pipeline type, inferred as CodePipeline does: V2 parameters make a pipeline V2.
    package var effectivePipelineType: String {
        if let pipelineType { return pipelineType }
        return usesV2Parameters ? "V2" : "V1"
    }

    var usesV2Parameters: Bool {
        (executionMode != nil && executionMode != .superseded) || variables != nil || triggers != nil
            || stages.contains { $0.beforeEntry != nil || $0.onSuccess != nil || $0.onFailure != nil }
    }
}
