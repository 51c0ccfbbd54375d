/// Baton's connections API (`POST /baton/connections/{create,list,delete}`): the stand-in for
/// AWS CodeConnections that maps a pipeline's `ConnectionArn` (or a CodeCommit repository name)
/// to a git URL or a local path.
package struct CreateConnectionInput: Sendable, Codable {
    package static let path = "/baton/connections/create"
    package var connectionName: String
    package var providerType: String?
    package var url: String

    package init(connectionName: String, providerType: String?, url: String) {
        self.connectionName = connectionName
        self.providerType = providerType
        self.url = url
    }
}

package struct ConnectionShape: Sendable, Codable, Hashable {
    package var connectionName: String
    package var connectionArn: String
    package var providerType: String
    package var url: String
    package var connectionStatus: String
    package var created: Double

    package init(connectionName: String, connectionArn: String, providerType: String, url: String, created: Double) {
        self.connectionName = connectionName
        self.connectionArn = connectionArn
        self.providerType = providerType
        self.url = url
        connectionStatus = "AVAILABLE"
        self.created = created
    }
}

package struct CreateConnectionOutput: Sendable, Codable {
    package var connectionArn: String
    package var connection: ConnectionShape

    package init(connectionArn: String, connection: ConnectionShape) {
        self.connectionArn = connectionArn
        self.connection = connection
    }
}

package struct ListConnectionsInput: Sendable, Codable {
    package static let path = "/baton/connections/list"
    package init() {}
}

package struct ListConnectionsOutput: Sendable, Codable {
    package var connections: [ConnectionShape]

    package init(connections: [ConnectionShape]) {
        self.connections = connections
    }
}

package struct DeleteConnectionInput: Sendable, Codable {
    package static let path = "/baton/connections/delete"
    /// A name or an ARN.
    package var connectionName: String

    package init(connectionName: String) {
        self.connectionName = connectionName
    }
}

package struct DeleteConnectionOutput: Sendable, Codable {
    package init() {}
}
