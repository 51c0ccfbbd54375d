import BatonWorker
import Foundation

/// The action providers every Baton worker ships.
package enum BuiltInActions {
    package static func providers(bucketRoot: URL) -> [any ActionProvider] {
        [CommandsActionProvider(), S3SourceProvider(bucketRoot: bucketRoot), S3DeployProvider(bucketRoot: bucketRoot)]
    }
}
