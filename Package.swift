// swift-tools-version:6.1
//===----------------------------------------------------------------------===//
// ParetoPilot: multi-objective Bayesian optimisation of expensive simulations.
//===----------------------------------------------------------------------===//

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
    ],
    targets: [
        // MARK: Numerical core (no I/O, no global state)
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CLinearAlgebra"]),
        .target(name: "Optimization"),
        .target(name: "Sampling"),
        .target(
            name: "GaussianProcess",
            dependencies: ["LinearAlgebra", "Optimization", "Sampling"]
        ),
        .target(name: "Pareto", dependencies: ["LinearAlgebra"]),
        .target(
            name: "Acquisition",
            dependencies: ["LinearAlgebra", "GaussianProcess", "Pareto", "Sampling", "Optimization"]
        ),
        .target(name: "Problems", dependencies: ["LinearAlgebra", "Sampling"]),
        .target(name: "Limits", dependencies: ["Sampling"]),
        .target(
            name: "ActiveLearning",
            dependencies: ["Acquisition", "GaussianProcess", "LinearAlgebra", "Problems", "Sampling"]
        ),
        .target(
            name: "BayesianOptimization",
            dependencies: ["Acquisition", "GaussianProcess", "LinearAlgebra", "Pareto", "Problems", "Sampling"]
        ),

        // MARK: Persistence
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Store", dependencies: ["CSQLite"]),
        .target(name: "CProcessSpawn"),
        .target(name: "Studies", dependencies: ["BayesianOptimization", "CProcessSpawn", "Pareto", "Problems", "Store"]),

        // MARK: Distribution layer
        .systemLibrary(name: "CTokenDigest", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "ServiceAPI", dependencies: ["Studies"]),
        .target(
            name: "Server",
            dependencies: [
                "BayesianOptimization", "CTokenDigest", "Pareto", "ServiceAPI", "Store", "Studies",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.json")]
        ),
        .target(
            name: "Pilot",
            dependencies: [
                "ServiceAPI", "Studies",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Provisioning",
            dependencies: ["Pilot", "Studies", .product(name: "Logging", package: "swift-log")]
        ),

        // MARK: Command line
        .target(
            name: "ParetoPilotCommands",
            dependencies: [
                "LinearAlgebra",
                "GaussianProcess",
                "Pareto",
                "Problems",
                "BayesianOptimization",
                "Acquisition",
                "Sampling",
                "Store",
                "Studies",
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

        // MARK: Tests
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "OptimizationTests", dependencies: ["Optimization"]),
        .testTarget(name: "SamplingTests", dependencies: ["Sampling"]),
        .testTarget(
            name: "GaussianProcessTests",
            dependencies: ["GaussianProcess", "LinearAlgebra", "Sampling"]
        ),
        .testTarget(name: "ParetoTests", dependencies: ["Pareto", "Sampling"]),
        .testTarget(name: "ProblemsTests", dependencies: ["Problems"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "CSQLite"]),
        .testTarget(name: "LimitsTests", dependencies: ["Limits", "Sampling"]),
        .testTarget(name: "ActiveLearningTests", dependencies: ["ActiveLearning", "Problems"]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies", "Store", "Pareto", "BayesianOptimization"]),
        .testTarget(
            name: "AcquisitionTests",
            dependencies: ["Acquisition", "GaussianProcess", "LinearAlgebra", "Pareto", "Sampling"]
        ),
        .testTarget(
            name: "BayesianOptimizationTests",
            dependencies: ["BayesianOptimization", "Problems", "Pareto"]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Pilot", "Store", "Studies",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ProvisioningTests", dependencies: ["Provisioning"]),
        .testTarget(
            name: "ParetoPilotCommandsTests",
            dependencies: ["ParetoPilotCommands", "Pareto", "Pilot", "Provisioning", "Store", "Studies"]
        ),
    ]
)
