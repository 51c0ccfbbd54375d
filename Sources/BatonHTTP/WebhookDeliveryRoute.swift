import BatonAPI
import BatonModel
import BatonEngine
import BatonStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /baton/webhooks/v1/<token>`: a delivery to a PutWebhook webhook. It is authenticated as
/// the webhook says (GITHUB_HMAC: `X-Hub-Signature-256` or `X-Hub-Signature` over the body; IP:
/// the sender within AllowedIPRange), its JSON body must match every filter (`matchEquals` may
/// name the target action's configuration as `{Key}`), and then it starts the target pipeline
/// with trigger type `Webhook`. A GitHub delivery id makes a redelivery start nothing new.
struct WebhookDeliveryRoute {
    let engine: Engine
    let webhooks: Webhooks
    let arn: @Sendable (String) -> String

    func register(on router: Router<BatonRequestContext>) {
        router.post("/baton/webhooks/v1/:token") { request, context in
            await deliver(request, token: context.parameters.get("token") ?? "", from: context.remoteAddress)
        }
    }

    private func deliver(_ request: Request, token: String, from sender: String?) async -> Response {
        guard let record = webhooks.withToken(token) else { return Self.answer(.notFound, ["message": "no webhook has this URL"]) }
        let definition = record.definition
        let body: Data
        do {
            body = Data(try await request.body.collect(upTo: 25 << 20).readableBytesView)
        } catch {
            return Self.answer(.contentTooLarge, ["message": "the delivery is larger than 25 MiB"])
        }
        switch definition.authentication {
        case "GITHUB_HMAC":
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            do {
                try WebhookSignature.check(
                    headers: headers, body: body, secret: definition.authenticationConfiguration.secretToken ?? "",
                    secretName: "the webhook's SecretToken", allowGitLabToken: false, allowSHA1: true)
            } catch {
                return Self.answer(.unauthorized, ["message": error.description])
            }
        case "IP":
            guard let range = definition.authenticationConfiguration.allowedIPRange.flatMap(IPRange.init), let sender, range.contains(sender) else {
                return Self.answer(.forbidden, ["message": "the sender \(sender ?? "?") is outside the webhook's AllowedIPRange"])
            }
        default:
            break
        }
        guard let payload = try? JSONDecoder().decode(JSONValue.self, from: body) else {
            return Self.answer(.badRequest, ["message": "the delivery's body is not JSON"])
        }
        let configuration = (try? await engine.pipeline(named: definition.targetPipeline))?.declaration.stages.first?
            .actions.first { $0.name == definition.targetAction }?.configuration ?? [:]
        for filter in definition.filters {
            guard let selector = JSONPathSelector(filter.jsonPath), let value = selector.select(in: payload) else {
                return Self.answer(.ok, ["ignored": "\(filter.jsonPath) is not in the delivery"])
            }
            if let wanted = filter.matchEquals.map({ Self.substitute($0, configuration) }), value != wanted {
                return Self.answer(.ok, ["ignored": "\(filter.jsonPath) is \(value), not \(wanted)"])
            }
        }
        let delivery = request.headers[HTTPField.Name("X-GitHub-Delivery")!].map { "webhook-\(definition.name)-\($0)" }
        do {
            let id = try await engine.startExecution(
                of: definition.targetPipeline, trigger: ExecutionTrigger(triggerType: "Webhook", triggerDetail: arn(definition.name)),
                clientRequestToken: delivery)
            var triggered = record
            triggered.lastTriggered = Timestamp(secondsSince1970: Date().timeIntervalSince1970)
            try? await webhooks.save(triggered)
            return Self.answer(.ok, ["pipelineExecutionId": id.rawValue])
        } catch {
            return Self.answer(.internalServerError, ["message": "could not start \(definition.targetPipeline): \(error)"])
        }
    }

    /// `refs/heads/{Branch}` with the action's `Branch` configuration filled in.
    static func substitute(_ pattern: String, _ configuration: [String: String]) -> String {
        var text = pattern
        for (key, value) in configuration { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }

    static func answer(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
