/// The members a pipeline document may contain, for refusing unknown fields by name and for
/// reading YAML scalars as the types CodePipeline's JSON uses.
indirect enum DeclarationSchema: Sendable {
    case object([String: DeclarationSchema])
    case list(DeclarationSchema)
    /// A map with free keys, such as `configuration`.
    case map(DeclarationSchema)
    case string
    case integer
    case anything

    static let patterns: DeclarationSchema = .object(["includes": .list(.string), "excludes": .list(.string)])
    static let actionTypeID: DeclarationSchema = .object(["category": .string, "owner": .string, "provider": .string, "version": .string])
    static let artifactStore: DeclarationSchema = .object([
        "type": .string, "location": .string, "encryptionKey": .object(["id": .string, "type": .string]),
    ])
    static let condition: DeclarationSchema = .object([
        "result": .string,
        "rules": .list(.object([
            "name": .string, "ruleTypeId": actionTypeID, "configuration": .map(.string), "commands": .list(.string),
            "inputArtifacts": .list(.object(["name": .string])), "roleArn": .string, "region": .string, "timeoutInMinutes": .integer,
        ])),
    ])
    static let action: DeclarationSchema = .object([
        "name": .string, "actionTypeId": actionTypeID, "runOrder": .integer, "configuration": .map(.string),
        "commands": .list(.string), "inputArtifacts": .list(.object(["name": .string])),
        "outputArtifacts": .list(.object(["name": .string, "files": .list(.string)])),
        "outputVariables": .list(.string), "roleArn": .string, "region": .string, "namespace": .string,
        "timeoutInMinutes": .integer,
        "environmentVariables": .list(.object(["name": .string, "value": .string, "type": .string])),
    ])
    static let stage: DeclarationSchema = .object([
        "name": .string, "actions": .list(action), "blockers": .list(.object(["name": .string, "type": .string])),
        "beforeEntry": .object(["conditions": .list(condition)]),
        "onSuccess": .object(["conditions": .list(condition)]),
        "onFailure": .object(["result": .string, "retryConfiguration": .object(["retryMode": .string]), "conditions": .list(condition)]),
    ])
    static let pipeline: DeclarationSchema = .object([
        "name": .string, "roleArn": .string, "artifactStore": artifactStore, "artifactStores": .map(artifactStore),
        "stages": .list(stage), "version": .integer, "executionMode": .string, "pipelineType": .string,
        "variables": .list(.object(["name": .string, "defaultValue": .string, "description": .string])),
        "triggers": .list(.object([
            "providerType": .string,
            "gitConfiguration": .object([
                "sourceActionName": .string,
                "push": .list(.object(["tags": patterns, "branches": patterns, "filePaths": patterns])),
                "pullRequest": .list(.object(["events": .list(.string), "branches": patterns, "filePaths": patterns])),
            ]),
        ])),
    ])
    /// `{"pipeline": …}` as CreatePipeline takes it and GetPipeline prints it.
    static let envelope: DeclarationSchema = .object(["pipeline": pipeline, "metadata": .anything, "tags": .anything])

    /// Members of `value` this schema does not know, as paths.
    func unknownFields(in value: JSONValue, at path: DeclarationPath) -> [(DeclarationPath, String)] {
        switch (self, value) {
        case (.object(let members), .object(let object)):
            return object.keys.sorted().flatMap { key -> [(DeclarationPath, String)] in
                guard let member = members[key] else { return [(path, key)] }
                return member.unknownFields(in: object[key] ?? .null, at: path.appending(key))
            }
        case (.list(let element), .array(let items)):
            return items.enumerated().flatMap { index, item in
                element.unknownFields(in: item, at: DeclarationPath(path.components + ["\(index + 1)", "member"]))
            }
        case (.map(let element), .object(let object)):
            return object.keys.sorted().flatMap { key in element.unknownFields(in: object[key] ?? .null, at: path.appending(key)) }
        default:
            return []
        }
    }

    /// YAML scalars as the JSON type the schema expects (`version: 1` is the string "1").
    func coerce(_ value: JSONValue) -> JSONValue {
        switch (self, value) {
        case (.object(let members), .object(let object)):
            return .object(object.reduce(into: [:]) { result, entry in
                result[entry.key] = members[entry.key]?.coerce(entry.value) ?? entry.value
            })
        case (.list(let element), .array(let items)):
            return .array(items.map(element.coerce))
        case (.map(let element), .object(let object)):
            return .object(object.mapValues(element.coerce))
        case (.string, .number(let number)):
            return .string(number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number))
        case (.string, .bool(let flag)):
            return .string(flag ? "true" : "false")
        case (.integer, .string(let text)):
            return Int(text).map { .number(Double($0)) } ?? value
        default:
            return value
        }
    }
}
