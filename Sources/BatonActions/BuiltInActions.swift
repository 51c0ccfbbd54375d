import BatonWorker
import Foundation

/// The action providers every Baton worker ships.
package enum BuiltInActions {
    /// `gitCache` holds the bare mirrors of git source repositories; `functions` the executables
    /// Lambda invoke actions run, by function name.
    package static func providers(bucketRoot: URL, gitCache: URL, functions: URL, secretsFile: URL? = nil) -> [any ActionProvider] {
        [
            CommandsActionProvider(), CodeBuildProvider(secretsFile: secretsFile), GitSourceProvider(cacheRoot: gitCache),
            LambdaInvokeProvider(registry: functions),
            S3SourceProvider(bucketRoot: bucketRoot), S3DeployProvider(bucketRoot: bucketRoot),
        ]
    }
}
