/// One git operation at a time per mirror: two jobs fetching the same repository would trip over
/// git's lock files.
package actor GitMirrorLocks {
    package init() {}

    private var busy: [String: [CheckedContinuation<Void, Never>]] = [:]

    package func serialize<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        if busy[key] != nil {
            await withCheckedContinuation { busy[key, default: []].append($0) }
        } else {
            busy[key] = []
        }
        defer {
            if var waiting = busy[key], !waiting.isEmpty {
                waiting.removeFirst().resume()
                busy[key] = waiting
            } else {
                busy[key] = nil
            }
        }
        return try await body()
    }
}
