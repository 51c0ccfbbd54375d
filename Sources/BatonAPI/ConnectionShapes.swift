/// Baton's connections API (`POST /baton/connections/{create,list,delete}`): the stand-in for
/// AWS CodeConnections that maps a pipeline's `ConnectionArn` (or a CodeCommit repository name)
/// to a git URL or a local path.
package struct CreateConnectionInput: Sendable, Codable {
    package static let path = "/baton/connections/create"
    package var connectionName: String
    package var providerType: String?
    package var url: String
    /// Signs webhook deliveries to `POST /baton/webhooks/<connectionName>`.
    package var webhookSecret: String?

    package init(connectionName: String, providerType: String?, url: String, webhookSecret: String? = nil) {
        self.connectionName = connectionName
        self.providerType = providerType
        self.url = url
        self.webhookSecret = webhookSecret
    }
}

package struct ConnectionShape: Sendable, Codable, Hashable {
    package var connectionName: String
    package var connectionArn: String
    package var providerType: String
    package var url: String
    package var connectionStatus: String
    package var created: Double
    /// Where GitHub, GitLab or Bitbucket deliver pushes for it (a path on the HTTP API), when it
    /// has a webhook secret.
    package var webhookPath: String?

    package init(connectionName: String, connectionArn: String, providerType: String, url: String, created: Double, webhookPath: String?) {
        self.connectionName = connectionName
        self.connectionArn = connectionArn
        self.providerType = providerType
        self.url = url
        connectionStatus = "AVAILABLE"
        self.created = created
        self.webhookPath = webhookPath
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

/// `POST /baton/webhooks/<connection>` answers with the executions a delivery started.
package struct WebhookOutput: Sendable, Codable {
    package struct Started: Sendable, Codable, Hashable {
        package var pipelineName: String
        package var pipelineExecutionId: String

        package init(pipelineName: String, pipelineExecutionId: String) {
            self.pipelineName = pipelineName
            self.pipelineExecutionId = pipelineExecutionId
        }
    }

    package var started: [Started]
    /// Set when the delivery's event starts nothing by its kind (a ping, a comment).
    package var ignored: String?

    package init(started: [Started], ignored: String? = nil) {
        self.started = started
        self.ignored = ignored
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
