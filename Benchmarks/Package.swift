// swift-tools-version:6.1
//===----------------------------------------------------------------------===//
// ParetoPilot benchmarks (ordo-one/benchmark), kept out of the main build.
//
//   cd Benchmarks && OPENBLAS_NUM_THREADS=1 swift package benchmark
//===----------------------------------------------------------------------===//

import PackageDescription

let package = Package(
    name: "ParetoPilotBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "ParetoPilot", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.29.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GaussianProcessBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LinearAlgebra", package: "ParetoPilot"),
                .product(name: "GaussianProcess", package: "ParetoPilot"),
                .product(name: "Benchmarking", package: "ParetoPilot"),
                .product(name: "Sampling", package: "ParetoPilot"),
            ],
            path: "Benchmarks/GaussianProcessBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ParetoBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Pareto", package: "ParetoPilot"),
                .product(name: "Sampling", package: "ParetoPilot"),
            ],
            path: "Benchmarks/ParetoBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
