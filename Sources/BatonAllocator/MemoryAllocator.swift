import CJemalloc

/// The `malloc` this process's allocations go through. Baton links jemalloc: under load its
/// per-thread caches take a tenth or more off the CPU a no-op action costs, against glibc's
/// arenas (docs/performance.md, "The allocator").
package enum MemoryAllocator: Equatable, Sendable {
    case jemalloc(version: String)
    /// Another `malloc` (glibc's, or one preloaded), named by the file that defines it.
    case other(provider: String)

    /// Asks the dynamic linker which object's `malloc` calls bind to.
    package static func current() -> MemoryAllocator {
        guard let file = baton_malloc_provider().map({ String(cString: $0) }) else { return .other(provider: "unknown") }
        let name = file.split(separator: "/").last.map(String.init) ?? file
        guard name.hasPrefix("libjemalloc"), let version = baton_jemalloc_version().map({ String(cString: $0) }) else {
            return .other(provider: name)
        }
        return .jemalloc(version: String(version.prefix { $0 != "-" }))
    }

    /// One word for logs and the coordinator's ready line: `jemalloc-5.3.0`, or the other
    /// provider's file name.
    package var tag: String {
        switch self {
        case .jemalloc(let version): "jemalloc-\(version)"
        case .other(let provider): provider
        }
    }
}
