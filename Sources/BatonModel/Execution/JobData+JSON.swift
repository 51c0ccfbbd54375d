import BatonJSON

// JobData written and read by hand, for JOB's header (BatonProtocol) and the store's job records:
// see JobOfferJSON.swift in BatonProtocol for why, and its tests for how it is held to `Codable`.

extension JobData {
    /// JobData with its keys sorted at every level, as JOB carries it.
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("actionConfiguration")
        writer.beginObject()
        writer.key("configuration")
        writer.sortedStrings(actionConfiguration.configuration)
        writer.endObject()
        writer.key("actionTypeId")
        writer.beginObject()
        writer.member("category", actionTypeId.category)
        writer.member("owner", actionTypeId.owner)
        writer.member("provider", actionTypeId.provider)
        writer.member("version", actionTypeId.version)
        writer.endObject()
        if let commands {
            writer.key("commands")
            writer.strings(commands)
        }
        writer.member("continuationToken", continuationToken)
        if let environmentVariables {
            writer.key("environmentVariables")
            writer.beginArray()
            for variable in environmentVariables {
                writer.beginObject()
                writer.member("name", variable.name)
                writer.member("type", variable.type)
                writer.member("value", variable.value)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.key("inputArtifacts")
        Self.write(inputArtifacts, to: &writer)
        writer.key("outputArtifacts")
        Self.write(outputArtifacts, to: &writer)
        if let outputVariables {
            writer.key("outputVariables")
            writer.strings(outputVariables)
        }
        writer.key("pipelineContext")
        writer.beginObject()
        writer.key("action")
        writer.beginObject()
        writer.member("actionExecutionId", pipelineContext.action.actionExecutionId.rawValue)
        writer.member("name", pipelineContext.action.name)
        writer.endObject()
        writer.member("pipelineExecutionId", pipelineContext.pipelineExecutionId.rawValue)
        writer.member("pipelineName", pipelineContext.pipelineName)
        writer.key("stage")
        writer.beginObject()
        writer.member("name", pipelineContext.stage.name)
        writer.endObject()
        writer.endObject()
        if let requiredLabels {
            writer.key("requiredLabels")
            writer.sortedStrings(requiredLabels)
        }
        writer.member("sourceRepository", sourceRepository)
        writer.member("sourceRevision", sourceRevision)
        writer.endObject()
    }

    private static func write(_ artifacts: [JobArtifact], to writer: inout JSONWriter) {
        writer.beginArray()
        for artifact in artifacts {
            writer.beginObject()
            if let files = artifact.files {
                writer.key("files")
                writer.strings(files)
            }
            if let location = artifact.location {
                writer.key("location")
                writer.beginObject()
                if let s3 = location.s3Location {
                    writer.key("s3Location")
                    writer.beginObject()
                    writer.member("bucketName", s3.bucketName)
                    writer.member("objectKey", s3.objectKey)
                    writer.endObject()
                }
                writer.member("type", location.type)
                writer.endObject()
            }
            writer.member("name", artifact.name)
            writer.member("revision", artifact.revision)
            writer.member("sha256", artifact.sha256?.hex)
            writer.member("size", artifact.size)
            writer.endObject()
        }
        writer.endArray()
    }

    package init?(reading reader: JSONReader, at object: Int) {
        var configuration: [String: String]?, type: ActionTypeID?, context: PipelineContext?
        var inputs: [JobArtifact]?, outputs: [JobArtifact]?
        var token: String??, commands: [String]??, outputVariables: [String]??, environment: [EnvironmentVariable]??
        var labels: [String: String]??, repository: String??, revision: String??
        let complete = reader.forEachMember(of: object) { key, value in
            if reader.key(key, is: "actionConfiguration") {
                guard configuration == nil else { return true }
                configuration = reader.member("configuration", of: value) { reader.stringMap($0) }
                return configuration != nil
            } else if reader.key(key, is: "actionTypeId") {
                guard type == nil else { return true }
                type = ActionTypeID(reading: reader, at: value)
                return type != nil
            } else if reader.key(key, is: "pipelineContext") {
                guard context == nil else { return true }
                context = PipelineContext(reading: reader, at: value)
                return context != nil
            } else if reader.key(key, is: "inputArtifacts") {
                guard inputs == nil else { return true }
                inputs = reader.array(value) { JobArtifact(reading: reader, at: $0) }
                return inputs != nil
            } else if reader.key(key, is: "outputArtifacts") {
                guard outputs == nil else { return true }
                outputs = reader.array(value) { JobArtifact(reading: reader, at: $0) }
                return outputs != nil
            } else if reader.key(key, is: "continuationToken") {
                return reader.optional(value, into: &token) { reader.string($0) }
            } else if reader.key(key, is: "commands") {
                return reader.optional(value, into: &commands) { reader.strings($0) }
            } else if reader.key(key, is: "outputVariables") {
                return reader.optional(value, into: &outputVariables) { reader.strings($0) }
            } else if reader.key(key, is: "environmentVariables") {
                return reader.optional(value, into: &environment) { array in
                    reader.array(array) { EnvironmentVariable(reading: reader, at: $0) }
                }
            } else if reader.key(key, is: "requiredLabels") {
                return reader.optional(value, into: &labels) { reader.stringMap($0) }
            } else if reader.key(key, is: "sourceRepository") {
                return reader.optional(value, into: &repository) { reader.string($0) }
            } else if reader.key(key, is: "sourceRevision") {
                return reader.optional(value, into: &revision) { reader.string($0) }
            }
            return true
        }
        guard complete, let configuration, let type, let context, let inputs, let outputs else { return nil }
        self.init(
            actionTypeId: type, configuration: configuration, pipelineContext: context, inputArtifacts: inputs, outputArtifacts: outputs,
            commands: commands ?? nil, outputVariables: outputVariables ?? nil, environmentVariables: environment ?? nil)
        continuationToken = token ?? nil
        requiredLabels = labels ?? nil
        sourceRepository = repository ?? nil
        sourceRevision = revision ?? nil
    }
}

extension ActionTypeID {
    init?(reading reader: JSONReader, at object: Int) {
        var category: String?, owner: String?, provider: String?, version: String?
        let complete = reader.forEachMember(of: object) { key, value in
            if reader.key(key, is: "category") {
                if category == nil { category = reader.string(value); return category != nil }
            } else if reader.key(key, is: "owner") {
                if owner == nil { owner = reader.string(value); return owner != nil }
            } else if reader.key(key, is: "provider") {
                if provider == nil { provider = reader.string(value); return provider != nil }
            } else if reader.key(key, is: "version") {
                if version == nil { version = reader.string(value); return version != nil }
            }
            return true
        }
        guard complete, let category, let owner, let provider, let version else { return nil }
        self.init(category: category, owner: owner, provider: provider, version: version)
    }
}

extension PipelineContext {
    init?(reading reader: JSONReader, at object: Int) {
        var pipelineName: String?, executionID: String?, stageName: String?, action: (name: String, id: String)?
        let complete = reader.forEachMember(of: object) { key, value in
            if reader.key(key, is: "pipelineName") {
                if pipelineName == nil { pipelineName = reader.string(value); return pipelineName != nil }
            } else if reader.key(key, is: "pipelineExecutionId") {
                if executionID == nil { executionID = reader.string(value); return executionID != nil }
            } else if reader.key(key, is: "stage") {
                if stageName == nil { stageName = reader.member("name", of: value) { reader.string($0) }; return stageName != nil }
            } else if reader.key(key, is: "action") {
                guard action == nil else { return true }
                guard let name = reader.member("name", of: value, { reader.string($0) }),
                      let id = reader.member("actionExecutionId", of: value, { reader.string($0) })
                else { return false }
                action = (name, id)
            }
            return true
        }
        guard complete, let pipelineName, let executionID, let stageName, let action else { return nil }
        self.init(
            pipelineName: pipelineName, stageName: stageName, actionName: action.name,
            actionExecutionID: ActionExecutionID(rawValue: action.id), executionID: ExecutionID(rawValue: executionID))
    }
}

extension JobArtifact {
    init?(reading reader: JSONReader, at object: Int) {
        var name: String?, revision: String??, location: Location??, digest: ArtifactDigest??, size: Int64??, files: [String]??
        let complete = reader.forEachMember(of: object) { key, value in
            if reader.key(key, is: "name") {
                if name == nil { name = reader.string(value); return name != nil }
            } else if reader.key(key, is: "revision") {
                return reader.optional(value, into: &revision) { reader.string($0) }
            } else if reader.key(key, is: "location") {
                return reader.optional(value, into: &location) { Location(reading: reader, at: $0) }
            } else if reader.key(key, is: "sha256") {
                return reader.optional(value, into: &digest) { reader.string($0).flatMap(ArtifactDigest.init(hex:)) }
            } else if reader.key(key, is: "size") {
                return reader.optional(value, into: &size) { reader.integer($0) }
            } else if reader.key(key, is: "files") {
                return reader.optional(value, into: &files) { reader.strings($0) }
            }
            return true
        }
        guard complete, let name else { return nil }
        self.init(name: name, revision: revision ?? nil, location: location ?? nil, sha256: digest ?? nil, size: size ?? nil, files: files ?? nil)
    }
}

extension JobArtifact.Location {
    init?(reading reader: JSONReader, at object: Int) {
        var type: String?, s3: S3Location??
        let complete = reader.forEachMember(of: object) { key, value in
            if reader.key(key, is: "type") {
                if type == nil { type = reader.string(value); return type != nil }
            } else if reader.key(key, is: "s3Location") {
                return reader.optional(value, into: &s3) { location in
                    guard let bucket = reader.member("bucketName", of: location, { reader.string($0) }),
                          let key = reader.member("objectKey", of: location, { reader.string($0) })
                    else { return nil }
                    return S3Location(bucketName: bucket, objectKey: key)
                }
            }
            return true
        }
        guard complete, let type else { return nil }
        self.init(type: type, s3Location: s3 ?? nil)
    }
}

extension EnvironmentVariable {
    init?(reading reader: JSONReader, at object: Int) {
        var name: String?, value: String?, type: String??
        let complete = reader.forEachMember(of: object) { key, member in
            if reader.key(key, is: "name") {
                if name == nil { name = reader.string(member); return name != nil }
            } else if reader.key(key, is: "value") {
                if value == nil { value = reader.string(member); return value != nil }
            } else if reader.key(key, is: "type") {
                return reader.optional(member, into: &type) { reader.string($0) }
            }
            return true
        }
        guard complete, let name, let value else { return nil }
        self.init(name: name, value: value, type: type ?? nil)
    }
}
