import BatonAPI
import BatonEngine
import Foundation

package struct CoordinatorConfiguration: Sendable {
    package var dataDirectory: URL
    /// ZeroMQ endpoint workers connect to, e.g. `tcp://127.0.0.1:7600`; port `*` picks a free one.
    package var workerEndpoint: String
    /// Artifact socket endpoint; by default the worker port plus one on the same host.
    package var artifactEndpoint: String?
    /// Event PUB socket endpoint; by default the worker port plus two on the same host.
    package var eventsEndpoint: String?
    package var httpHost: String
    package var httpPort: Int
    package var dispatch = DispatchConfiguration()
    /// CURVE on both worker sockets, admitting only the listed workers' keys.
    package var curve: CurveServer?
    /// Allows listening for workers on a non-loopback address without CURVE, and for API
    /// requests on one without signature checks.
    package var insecure = false
    /// Access keys whose SigV4 signatures the HTTP API accepts; nil: requests are not checked.
    package var accessKeys: AccessKeys?
    /// Applied every `retentionInterval`; nil keeps every artifact.
    package var retention: ArtifactRetention? = ArtifactRetention()
    package var retentionInterval: Duration = .seconds(3600)
    /// How often watched local repositories are looked at for pushes; nil: no trigger watching.
    package var triggerTick: Duration? = .seconds(1)
    /// The folder whose subfolders stand in for S3 buckets, watched for S3 sources'
    /// `PollForSourceChanges`; nil: S3 sources start only by hand.
    package var bucketRoot: URL?
    /// How often watched remote repositories are fetched.
    package var triggerRemoteInterval: Duration = .seconds(60)

    package struct CurveServer: Sendable {
        package var secretKey: String
        package var authorizedWorkers: AuthorizedWorkers

        package init(secretKey: String, authorizedWorkers: AuthorizedWorkers) {
            self.secretKey = secretKey
            self.authorizedWorkers = authorizedWorkers
        }
    }

    package init(dataDirectory: URL, workerEndpoint: String, artifactEndpoint: String? = nil, httpHost: String, httpPort: Int) {
        self.dataDirectory = dataDirectory
        self.workerEndpoint = workerEndpoint
        self.artifactEndpoint = artifactEndpoint
        self.httpHost = httpHost
        self.httpPort = httpPort
    }

    /// Whether every worker endpoint is reachable only from this machine (loopback or ipc).
    var listensOnLoopbackOnly: Bool {
        [workerEndpoint, resolvedArtifactEndpoint, resolvedEventsEndpoint].allSatisfy { endpoint in
            if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
            guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return false }
            return Self.isLoopback(String(endpoint[endpoint.index(endpoint.startIndex, offsetBy: 6)..<colon]))
        }
    }

    /// Whether the HTTP API is reachable only from this machine.
    var httpIsLoopbackOnly: Bool {
        Self.isLoopback(httpHost)
    }

    static func isLoopback(_ host: String) -> Bool {
        var host = host
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `tcp://host:7600` → `tcp://host:7601`; a wildcard port stays a wildcard.
    var resolvedArtifactEndpoint: String {
        artifactEndpoint ?? workerEndpoint(offset: 1)
    }

    /// `tcp://host:7600` → `tcp://host:7602`; a wildcard port stays a wildcard.
    var resolvedEventsEndpoint: String {
        eventsEndpoint ?? workerEndpoint(offset: 2)
    }

    private func workerEndpoint(offset: Int) -> String {
        guard let colon = workerEndpoint.lastIndex(of: ":") else { return workerEndpoint }
        let host = workerEndpoint[..<colon]
        guard let port = Int(workerEndpoint[workerEndpoint.index(after: colon)...]), port > 0 else { return "\(host):*" }
        return "\(host):\(port + offset)"
    }
}

/// Where a running coordinator listens, once every socket is bound.
package struct CoordinatorEndpoints: Sendable, Equatable {
    package var workers: String
    package var artifacts: String
    package var events: String
    package var http: String

    /// The one line a coordinator prints when it is ready; scripts and tests parse it.
    package var readyLine: String {
        "baton coordinator ready workers=\(workers) artifacts=\(artifacts) events=\(events) http=\(http)"
    }
}
