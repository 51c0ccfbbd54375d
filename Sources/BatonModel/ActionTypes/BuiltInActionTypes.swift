/// The action types every Baton installation has, with CodePipeline's configuration keys and
/// artifact counts. Each is backed by a local equivalent in the worker's built-in providers.
package enum BuiltInActionTypes {
    static func property(_ name: String, required: Bool = false, key: Bool = true, description: String? = nil, type: String = "String") -> ActionConfigurationProperty {
        ActionConfigurationProperty(name: name, required: required, key: key, secret: false, queryable: false, description: description, type: type)
    }

    /// Compute `Commands`: shell commands on a worker.
    package static let commands = ActionType(
        id: .commands, inputs: ArtifactDetails(1, 10), outputs: ArtifactDetails(0, 1))

    /// `CodeBuild`: a buildspec run as a local process (Build and Test categories).
    package static func codeBuild(category: String) -> ActionType {
        ActionType(
            id: ActionTypeID(category: category, owner: "AWS", provider: "CodeBuild", version: "1"),
            properties: [
                property("ProjectName", required: true, description: "The build project; in Baton, a name shown in summaries"),
                property("PrimarySource", description: "The input artifact whose files are the build's working directory"),
                property("EnvironmentVariables", key: false, description: "JSON list of {name, value, type} environment variables"),
                property("BatchEnabled", key: false, type: "Boolean"),
                property("CombineArtifacts", key: false, type: "Boolean"),
                property("BuildSpec", key: false, description: "Baton: a buildspec path or inline YAML that overrides buildspec.yml"),
            ],
            inputs: ArtifactDetails(1, 5), outputs: ArtifactDetails(0, 5))
    }

    /// Manual approval.
    package static let manualApproval = ActionType(
        id: ActionTypeID(category: "Approval", owner: "AWS", provider: "Manual", version: "1"),
        properties: [
            property("CustomData", key: false, description: "Text shown to the approver"),
            property("ExternalEntityLink", key: false, description: "A link for the approver to review"),
            property("NotificationArn", key: false, description: "Baton: a webhook URL or command told of the pending approval"),
        ],
        inputs: ArtifactDetails(0, 0), outputs: ArtifactDetails(0, 0))

    /// `CodeStarSourceConnection`: a git repository reached through a Baton connection.
    package static let codeStarSourceConnection = ActionType(
        id: ActionTypeID(category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1"),
        properties: [
            property("ConnectionArn", required: true),
            property("FullRepositoryId", required: true),
            property("BranchName", required: true),
            property("OutputArtifactFormat", key: false, description: "CODE_ZIP (default) or CODEBUILD_CLONE_REF"),
            property("DetectChanges", key: false, type: "Boolean"),
        ],
        inputs: ArtifactDetails(0, 0), outputs: ArtifactDetails(1, 1))

    /// `CodeCommit`: a git repository by name.
    package static let codeCommit = ActionType(
        id: ActionTypeID(category: "Source", owner: "AWS", provider: "CodeCommit", version: "1"),
        properties: [
            property("RepositoryName", required: true),
            property("BranchName", required: true),
            property("PollForSourceChanges", key: false, type: "Boolean"),
            property("OutputArtifactFormat", key: false),
        ],
        inputs: ArtifactDetails(0, 0), outputs: ArtifactDetails(1, 1))

    /// `S3` source: a zip object in a local folder standing in for a bucket.
    package static let s3Source = ActionType(
        id: ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1"),
        properties: [
            property("S3Bucket", required: true),
            property("S3ObjectKey", required: true),
            property("PollForSourceChanges", key: false, type: "Boolean"),
            property("AllowOverrideForS3ObjectKey", key: false, type: "Boolean"),
        ],
        inputs: ArtifactDetails(0, 0), outputs: ArtifactDetails(1, 1))

    /// `S3` deploy: a release into a local folder standing in for a bucket.
    package static let s3Deploy = ActionType(
        id: ActionTypeID(category: "Deploy", owner: "AWS", provider: "S3", version: "1"),
        properties: [
            property("BucketName", required: true),
            property("Extract", required: true, type: "Boolean"),
            property("ObjectKey", description: "Required when Extract is false"),
            property("KMSEncryptionKeyARN", key: false),
            property("CannedACL", key: false),
            property("CacheControl", key: false),
        ],
        inputs: ArtifactDetails(1, 1), outputs: ArtifactDetails(0, 0))

    /// `Lambda` invoke: a local executable registered under the function's name.
    package static let lambdaInvoke = ActionType(
        id: ActionTypeID(category: "Invoke", owner: "AWS", provider: "Lambda", version: "1"),
        properties: [
            property("FunctionName", required: true),
            property("UserParameters", key: false),
        ],
        inputs: ArtifactDetails(0, 5), outputs: ArtifactDetails(0, 5))

    package static let all: [ActionType] = [
        commands, codeBuild(category: "Build"), codeBuild(category: "Test"), manualApproval,
        codeStarSourceConnection, codeCommit, s3Source, s3Deploy, lambdaInvoke,
    ]
}
