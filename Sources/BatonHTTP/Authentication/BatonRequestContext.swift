import BatonAPI
import Hummingbird

/// Hummingbird's request context plus who signed the request, when signatures are checked.
package struct BatonRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The access key whose signature the request carried; nil when signatures are not checked.
    package var accessKey: AccessKey?
    /// The sender's IP address, as text.
    package let remoteAddress: String?

    package init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}
