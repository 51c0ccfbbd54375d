// swift-tools-version:6.2
import PackageDescription

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let nioHTTPTypes = Target.Dependency.product(name: "NIOHTTPTypes", package: "swift-nio-extras")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let deque = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")
let subprocess = Target.Dependency.product(name: "Subprocess", package: "swift-subprocess")
let systemPackage = Target.Dependency.product(name: "SystemPackage", package: "swift-system")
let zipFoundation = Target.Dependency.product(name: "ZIPFoundation", package: "ZIPFoundation")

let package = Package(
    name: "baton",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "baton", targets: ["BatonCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.4.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", "5.0.0"..<"7.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
    ],
    targets: [
        // Layer 0: the C shim and the vocabulary.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CJemalloc", providers: [.apt(["libjemalloc-dev"])]),
        .target(name: "BatonAllocator", dependencies: ["CJemalloc"]),
        .target(name: "BatonJSON"),
        .target(name: "BatonModel", dependencies: ["BatonJSON", crypto, yams]),
        .target(name: "BatonIdentifiers"),
        .target(name: "BatonThreads"),

        // Layer 1: wire contracts, the ZeroMQ binding, durable state.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ", "BatonThreads", logging, serviceLifecycle]),
        .target(name: "BatonProtocol", dependencies: ["BatonModel", "BatonJSON"]),
        .target(name: "BatonAPI", dependencies: ["BatonModel", crypto]),
        .target(name: "BatonFileIO", dependencies: ["BatonThreads", crypto]),
        .target(name: "BatonGit", dependencies: ["BatonModel", subprocess, systemPackage, crypto]),
        .target(name: "BatonStore", dependencies: ["BatonModel", "BatonJSON", "BatonFileIO", grdb, crypto, logging]),

        // Layer 2–3: decisions, HTTP, the worker runtime.
        .target(name: "BatonTiming"),
        .target(name: "BatonEngine", dependencies: ["BatonModel", "BatonStore", "BatonTiming", "BatonIdentifiers", logging]),
        .target(name: "BatonHTTP", dependencies: ["BatonAPI", "BatonEngine", "BatonJSON", "BatonStore", "BatonModel", "BatonIdentifiers", hummingbird, nioCore, httpTypes, nioHTTPTypes, logging, serviceLifecycle]),
        .target(
            name: "BatonWorker",
            dependencies: ["BatonProtocol", "BatonModel", "BatonFileIO", "BatonTiming", "BatonIdentifiers", "ZeroMQ", crypto, logging, serviceLifecycle]
        ),

        // Layer 4: the two processes' assemblies and the built-in actions.
        .target(
            name: "BatonCoordinator",
            dependencies: [
                "BatonEngine", "BatonStore", "BatonFileIO", "BatonHTTP", "BatonAPI", "BatonProtocol", "BatonModel", "BatonGit", "BatonIdentifiers", "ZeroMQ",
                logging, serviceLifecycle, hummingbird, prometheus, deque, subprocess, systemPackage,
            ]
        ),
        .target(
            name: "BatonActions",
            dependencies: ["BatonWorker", "BatonModel", "BatonGit", subprocess, systemPackage, zipFoundation, crypto, yams, logging]
        ),

        // Layer 5: the executable.
        .executableTarget(
            name: "BatonCLI",
            dependencies: [
                "BatonCoordinator", "BatonEngine", "BatonWorker", "BatonActions", "BatonAPI", "BatonModel", "BatonProtocol", "BatonThreads", "ZeroMQ",
                "BatonAllocator", argumentParser, logging, serviceLifecycle, unixSignals, subprocess, systemPackage,
            ]
        ),

        // The benchmark behind scripts/bench, in no product.
        .executableTarget(
            name: "BatonBench",
            dependencies: [
                "BatonCoordinator", "BatonWorker", "BatonAPI", "BatonModel", "BatonFileIO", "ZeroMQ", "BatonAllocator", argumentParser, crypto, logging, nioCore,
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        // Test support, in no product.
        .target(name: "BatonTesting", dependencies: ["BatonAPI", "BatonModel", "BatonThreads", subprocess, systemPackage, logging]),

        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ", "BatonTesting", logging]),
        .testTarget(name: "BatonModelTests", dependencies: ["BatonModel", crypto], resources: [.copy("Fixtures")]),
        .testTarget(name: "BatonJSONTests", dependencies: ["BatonJSON", "BatonModel"]),
        .testTarget(name: "BatonProtocolTests", dependencies: ["BatonProtocol", "BatonModel", "BatonTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "BatonFileIOTests", dependencies: ["BatonFileIO", crypto]),
        .testTarget(name: "BatonStoreTests", dependencies: ["BatonStore", "BatonModel", "BatonTesting", crypto, grdb]),
        .testTarget(name: "BatonEngineTests", dependencies: ["BatonEngine", "BatonStore", "BatonModel", "BatonTesting", logging]),
        .testTarget(name: "BatonCoordinatorTests", dependencies: ["BatonCoordinator", "BatonProtocol", "ZeroMQ"]),
        .testTarget(name: "BatonHTTPTests", dependencies: ["BatonHTTP", "BatonAPI"]),
        .testTarget(name: "BatonTimingTests", dependencies: ["BatonTiming"]),
        .testTarget(name: "BatonIdentifiersTests", dependencies: ["BatonIdentifiers"]),
        .testTarget(name: "BatonWorkerTests", dependencies: ["BatonWorker", "BatonModel", "BatonTesting", crypto]),
        .testTarget(name: "BatonActionsTests", dependencies: ["BatonActions", "BatonWorker", "BatonModel", "BatonGit", zipFoundation, logging]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["BatonTesting", "BatonAPI", "BatonModel", "BatonProtocol", "ZeroMQ", "BatonCLI", crypto, logging]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
