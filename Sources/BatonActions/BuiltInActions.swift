import BatonWorker
import Foundation

/// The action providers every Baton worker ships.
package enum BuiltInActions {
    package static func providers(bucketRoot: URL, secretsFile: URL? = nil) -> [any ActionProvider] {
        [
            CommandsActionProvider(), CodeBuildProvider(secretsFile: secretsFile),
            S3SourceProvider(bucketRoot: bucketRoot), S3DeployProvider(bucketRoot: bucketRoot),
        ]
    }
}
