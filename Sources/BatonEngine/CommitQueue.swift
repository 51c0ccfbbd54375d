import BatonStore

/// Group commit: changes from steps that arrive while a transaction is being written are written
/// together in the next one, so durability (an fsync per transaction) does not cap throughput.
///
/// The first caller to find the queue idle becomes the writer: it commits its own changes with
/// everything queued meanwhile, and keeps writing batches until the queue is empty. Every caller
/// returns only once its changes are durable.
actor CommitQueue {
    private let store: Store
    private var pending: [(changes: [StoreChange], done: CheckedContinuation<Void, any Error>)] = []
    private var isWriting = false

    init(store: Store) {
        self.store = store
    }

    func commit(_ changes: [StoreChange]) async throws {
        guard !isWriting else {
            try await withCheckedThrowingContinuation { pending.append((changes, $0)) }
            return
        }
        isWriting = true
        defer { isWriting = false }
        var batch: [(changes: [StoreChange], done: CheckedContinuation<Void, any Error>?)] = [(changes, nil)]
        var ownResult: Result<Void, any Error> = .success(())
        while !batch.isEmpty {
            let result: Result<Void, any Error>
            do {
                try await store.commit(batch.flatMap(\.changes))
                result = .success(())
            } catch {
                result = .failure(error)
            }
            for entry in batch {
                if let done = entry.done { done.resume(with: result) } else { ownResult = result }
            }
            batch = pending.map { ($0.changes, $0.done) }
            pending.removeAll()
        }
        try ownResult.get()
    }
}
