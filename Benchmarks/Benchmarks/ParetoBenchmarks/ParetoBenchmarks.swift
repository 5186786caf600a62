// Hypervolume, non-dominated sorting and box decompositions on points of the positive unit sphere
// (all mutually non-dominated), reference point 1.1: the sets of Benchmarks/peers/moocore_hv.py.
// Every registered hypervolume algorithm runs on the dimensions it supports.
//
//   cd Benchmarks && swift package benchmark --target ParetoBenchmarks

import Benchmark
import Pareto
import Sampling

/// `n` points on the positive unit sphere in `d` dimensions.
func spherePoints(count n: Int, dimension d: Int, seed: UInt64) -> PointSet {
    var generator = SeededGenerator(seed: seed)
    var coordinates: [Double] = []
    coordinates.reserveCapacity(n * d)
    for _ in 0..<n {
        let v = (0..<d).map { _ in abs(generator.nextNormal()) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        coordinates += v.map { $0 / norm }
    }
    return PointSet(dimension: d, coordinates: coordinates)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 2,
        maxDuration: .seconds(5),
        maxIterations: 200
    )
    let cases: [(d: Int, n: Int)] = [
        (2, 1000), (2, 10_000), (2, 100_000), (3, 1000), (3, 10_000), (4, 1000), (5, 300), (5, 1000), (6, 300),
    ]
    for (d, n) in cases {
        let points = spherePoints(count: n, dimension: d, seed: UInt64(d * 1_000_003 + n))
        let reference = [Double](repeating: 1.1, count: d)
        for algorithm in Hypervolume.algorithms where algorithm.supports(dimension: d) {
            // The generic recursion is far slower than the specialised sweeps: keep it to small sets.
            if algorithm.name == "wfg" && d <= 4 && n > 1000 { continue }
            Benchmark("HV \(algorithm.name) d=\(d) n=\(n)") { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try Hypervolume.of(points, reference: reference, algorithm: algorithm))
                }
            }
        }
        if n <= 10_000 {
            Benchmark("Non-dominated filter d=\(d) n=\(n)") { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(NondominatedSorting.nondominatedMask(points))
                }
            }
        }
    }
    for (d, n) in [(2, 100), (3, 100), (4, 50)] {
        let points = spherePoints(count: n, dimension: d, seed: 42)
        let reference = [Double](repeating: 1.1, count: d)
        Benchmark("Box decomposition d=\(d) n=\(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                let decomposition = try HypervolumeBoxDecomposition(points: points, reference: reference)
                blackHole(decomposition.nondominatedBoxes())
            }
        }
    }
}
