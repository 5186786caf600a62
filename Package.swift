// swift-tools-version:6.1
//===----------------------------------------------------------------------===//
// ParetoPilot: multi-objective Bayesian optimisation of expensive simulations.
//===----------------------------------------------------------------------===//

import CompilerPluginSupport
import PackageDescription

let package = Package(
    name: "ParetoPilot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "paretopilot", targets: ["paretopilot"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Optimization", targets: ["Optimization"]),
        .library(name: "Sampling", targets: ["Sampling"]),
        .library(name: "GaussianProcess", targets: ["GaussianProcess"]),
        .library(name: "Pareto", targets: ["Pareto"]),
        .library(name: "Acquisition", targets: ["Acquisition"]),
        .library(name: "BayesianOptimization", targets: ["BayesianOptimization"]),
        .library(name: "Problems", targets: ["Problems"]),
        .library(name: "Benchmarking", targets: ["Benchmarking"]),
        .library(name: "StudyModel", targets: ["StudyModel"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Limits", targets: ["Limits"]),
        .library(name: "ActiveLearning", targets: ["ActiveLearning"]),
        .library(name: "Studies", targets: ["Studies"]),
        .library(name: "Server", targets: ["Server"]),
        .library(name: "Pilot", targets: ["Pilot"]),
        .library(name: "Provisioning", targets: ["Provisioning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // MARK: Declarations for every module
        // `@MemberwiseInit` writes public structs' memberwise initializers; its plugin speaks the compiler's
        // plugin protocol itself, so no swift-syntax is built.
        .macro(name: "MemberwiseMacros"),
        .target(name: "Memberwise", dependencies: ["MemberwiseMacros"]),

        // MARK: Numerical core (no I/O, no global state)
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["Memberwise", "CLinearAlgebra"]),
        .target(name: "Optimization", dependencies: ["Memberwise"]),
        .target(name: "Sampling"),
        .target(
            name: "GaussianProcess",
            dependencies: ["Memberwise", "LinearAlgebra", "Optimization", "Sampling"]
        ),
        .target(name: "Pareto", dependencies: ["Memberwise", "LinearAlgebra"]),
        .target(
            name: "Acquisition",
            dependencies: ["Memberwise", "LinearAlgebra", "GaussianProcess", "Pareto", "Sampling", "Optimization"]
        ),
        // Test problems: a leaf (the core never imports it); Benchmarking adapts problems to optimisers.
        .target(name: "Problems", dependencies: ["Memberwise", "Sampling"]),
        .target(name: "Limits", dependencies: ["Memberwise", "Sampling"]),
        .target(
            name: "ActiveLearning",
            dependencies: ["Memberwise", "Acquisition", "GaussianProcess", "LinearAlgebra", "Sampling"]
        ),
        .target(
            name: "BayesianOptimization",
            dependencies: ["Memberwise", "Acquisition", "GaussianProcess", "LinearAlgebra", "Pareto", "Sampling", "FixtureTesting"]
        ),
        .target(
            name: "Benchmarking",
            dependencies: ["ActiveLearning", "BayesianOptimization", "LinearAlgebra", "Problems", "Sampling"]
        ),

        // MARK: Study vocabulary (no numerical code): the study model and the wire protocol
        .target(name: "StudyModel", dependencies: ["Memberwise"]),
        .target(name: "Wire", dependencies: ["Memberwise", "StudyModel"]),

        // MARK: Persistence
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Store", dependencies: ["Memberwise", "CSQLite", "StudyModel"]),
        .target(name: "CProcessSpawn"),
        .target(name: "Evaluation", dependencies: ["Memberwise", "CProcessSpawn", "Problems", "StudyModel"]),
        .target(
            name: "Studies",
            dependencies: ["Memberwise", "BayesianOptimization", "Evaluation", "Pareto", "Problems", "Sampling", "Store", "StudyModel"]
        ),
        // The one owner of the trial lifecycle, driven by local workers and by the server's pilots.
        .target(
            name: "Engine",
            dependencies: ["Memberwise", "BayesianOptimization", "Evaluation", "Pareto", "Store", "Studies", "StudyModel"]
        ),

        // MARK: Distribution layer
        .systemLibrary(name: "CTokenDigest", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "Server",
            dependencies: [
                "Memberwise", "BayesianOptimization", "CTokenDigest", "DashboardAssets", "Engine", "Pareto", "Store", "Studies",
                "StudyModel", "Wire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The dashboard's page, script and style sheet, compiled into the binary.
        .target(
            name: "DashboardAssets",
            resources: [
                .embedInCode("Assets/index.html"), .embedInCode("Assets/dashboard.js"),
                .embedInCode("Assets/dashboard.css"),
            ]
        ),
        .target(
            name: "Pilot",
            dependencies: [
                "Evaluation", "Memberwise", "StudyModel", "Wire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Provisioning",
            dependencies: ["Memberwise", "Evaluation", "Pilot", "StudyModel", "Wire", .product(name: "Logging", package: "swift-log")]
        ),

        // MARK: Command line
        .target(
            name: "ParetoPilotCommands",
            dependencies: [
                "Memberwise", "LinearAlgebra",
                "GaussianProcess",
                "Pareto",
                "Problems",
                "BayesianOptimization",
                "Acquisition",
                "Sampling",
                "Store",
                "Studies",
                "StudyModel",
                "Wire",
                "Evaluation",
                "Engine",
                "Benchmarking",
                "Limits",
                "ActiveLearning",
                "Server",
                "Pilot",
                "Provisioning",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "paretopilot", dependencies: ["ParetoPilotCommands"]),

        // MARK: Shared test helpers
        .target(name: "FixtureTesting"),
        .target(
            name: "ParetoPilotTesting",
            dependencies: [
                "Memberwise", "Pilot",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),

        // MARK: Tests
        .testTarget(name: "MemberwiseTests", dependencies: ["Memberwise", "MemberwiseMacros"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "OptimizationTests", dependencies: ["Optimization"]),
        .testTarget(name: "SamplingTests", dependencies: ["Sampling", "FixtureTesting"]),
        .testTarget(
            name: "GaussianProcessTests",
            dependencies: ["GaussianProcess", "LinearAlgebra", "Sampling", "FixtureTesting"]
        ),
        .testTarget(name: "ParetoTests", dependencies: ["Pareto", "Sampling", "FixtureTesting"]),
        .testTarget(name: "ProblemsTests", dependencies: ["Problems", "FixtureTesting"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "CSQLite"]),
        .testTarget(name: "StudyModelTests", dependencies: ["StudyModel"]),
        .testTarget(name: "LimitsTests", dependencies: ["Limits", "Sampling"]),
        .testTarget(
            name: "ActiveLearningTests",
            dependencies: ["ActiveLearning", "Benchmarking", "Problems", "FixtureTesting"]
        ),
        .testTarget(
            name: "StudiesTests",
            dependencies: ["Studies", "StudyModel", "Store", "Pareto", "BayesianOptimization", "Evaluation"]
        ),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Studies", "StudyModel", "Store", "Evaluation"]),
        .testTarget(
            name: "AcquisitionTests",
            dependencies: ["Acquisition", "GaussianProcess", "LinearAlgebra", "Pareto", "Sampling", "FixtureTesting"]
        ),
        .testTarget(
            name: "BayesianOptimizationTests",
            dependencies: ["BayesianOptimization", "Benchmarking", "Problems", "Pareto", "Sampling"]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Pilot", "Store", "Studies", "StudyModel", "Wire", "ParetoPilotTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ProvisioningTests", dependencies: ["Provisioning", "Wire"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "StudyModel", "ParetoPilotTesting"]),
        .testTarget(
            name: "ParetoPilotCommandsTests",
            dependencies: [
                "ParetoPilotCommands", "Pareto", "Pilot", "Provisioning", "Store", "Studies", "StudyModel", "Wire",
                "Evaluation", "ParetoPilotTesting",
            ]
        ),
    ]
)
