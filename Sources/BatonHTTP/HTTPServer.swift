import BatonAPI
import BatonEngine
import BatonStore
import Hummingbird
import Logging
import NIOCore

/// The coordinator's HTTP surface: the CodePipeline API at `POST /` and a health check.
package enum HTTPServer {
    /// Builds the Hummingbird application; `onListening` receives the bound port (useful with port 0).
    package static func buildApplication(
        engine: Engine,
        connections: SourceConnections,
        host: String,
        port: Int,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let api = CodePipelineAPI(engine: engine, connections: connections, logger: logger)
        let router = Router()
        router.post("/") { request, context in
            await api.respond(to: request, context: context)
        }
        router.get("/healthz") { _, _ in
            "ok\n"
        }
        router.post(RouterPath(stringLiteral: CollectArtifactsInput.path)) { request, context in
            await api.collectArtifacts(request, context: context)
        }
        for path in [CreateConnectionInput.path, ListConnectionsInput.path, DeleteConnectionInput.path] {
            router.post(RouterPath(stringLiteral: path)) { request, context in
                await api.connectionRequest(request, context: context, path: path)
            }
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "baton"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }
}
