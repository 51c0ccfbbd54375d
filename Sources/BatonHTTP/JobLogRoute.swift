import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /baton/logs/<actionExecutionId>?offset=N`: an action's log as its worker streams it, from
/// byte N (at most 1 MiB per request). `x-baton-log-size` gives the bytes logged so far, so a
/// follower asks again from where it stopped; an action that has logged nothing yet has an empty log.
struct JobLogRoute {
    static let maxRead = 1 << 20

    let directory: URL

    func register(on router: Router<BatonRequestContext>) {
        router.get("/baton/logs/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                return Response(status: .badRequest, body: ResponseBody(byteBuffer: ByteBuffer(string: "not an action execution id: \(id)\n")))
            }
            let offset = request.uri.queryParameters.get("offset").flatMap { UInt64($0) } ?? 0
            let (bytes, size) = read(directory.appendingPathComponent("\(id).log"), from: offset)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; charset=utf-8", HTTPField.Name("x-baton-log-size")!: "\(size)"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    private func read(_ file: URL, from offset: UInt64) -> (Data, UInt64) {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return (Data(), 0) }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        guard offset < size, (try? handle.seek(toOffset: offset)) != nil else { return (Data(), size) }
        return ((try? handle.read(upToCount: Self.maxRead)) ?? Data(), size)
    }
}
