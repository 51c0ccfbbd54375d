import Foundation
import BatonAPI
import BatonEngine
import BatonStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Handles a webhook delivery for a connection: its name, the request headers (names in lower
/// case) and body; answers with an HTTP status and a JSON body.
package typealias WebhookReceiver = @Sendable (_ connection: String, _ headers: [String: String], _ body: Data) async -> (status: Int, body: Data)

/// The coordinator's HTTP surface: the CodePipeline API at `POST /` and a health check.
package enum HTTPServer {
    /// Builds the Hummingbird application; `onListening` receives the bound port (useful with port 0).
    package static func buildApplication(
        engine: Engine,
        connections: SourceConnections,
        webhooks: WebhookReceiver? = nil,
        jobs: (any HTTPJobQueue)? = nil,
        workers: (any WorkerDirectory)? = nil,
        artifacts: ArtifactFiles? = nil,
        countArtifactBytes: (@Sendable (ArtifactBucket.Flow, Int64) -> Void)? = nil,
        accessKeys: AccessKeys? = nil,
        metrics: (@Sendable () async -> [UInt8])? = nil,
        logs: URL? = nil,
        tags: ResourceTags? = nil,
        webhookDefinitions: Webhooks? = nil,
        host: String,
        port: Int,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let bucket = artifacts.map { ArtifactBucket(files: $0, logger: logger, countBytes: countArtifactBytes) }
        let api = CodePipelineAPI(
            engine: engine, connections: connections, jobs: jobs, bucket: bucket, tags: tags, webhooks: webhookDefinitions, logger: logger)
        let router = Router(context: BatonRequestContext.self)
        if let accessKeys {
            router.add(middleware: SignatureCheck(verifier: SigV4Verifier(keys: accessKeys), maxBody: CodePipelineAPI.maxRequestBody))
        }
        bucket?.register(on: router)
        router.post("/") { request, context in
            await api.respond(to: request, context: context)
        }
        EventRoutes(engine: engine).register(on: router)
        if let logs { JobLogRoute(directory: logs).register(on: router) }
        if let webhookDefinitions {
            WebhookDeliveryRoute(engine: engine, webhooks: webhookDefinitions, arn: { api.webhookArn($0) }).register(on: router)
        }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: await metrics())))
            }
        }
        if let workers {
            router.post(RouterPath(stringLiteral: ListWorkersInput.path)) { _, _ in
                EventRoutes.json(await workers.report())
            }
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
        if let webhooks {
            router.post("/baton/webhooks/:connection") { request, context in
                let name = context.parameters.get("connection") ?? ""
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: 25 * 1024 * 1024)
                } catch {
                    return Response(status: .contentTooLarge)
                }
                let (status, output) = await webhooks(name, headers, Data(body.readableBytesView))
                return Response(
                    status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: output)))
            }
        }
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "baton"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }
}
