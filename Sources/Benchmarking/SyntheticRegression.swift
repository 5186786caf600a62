import LinearAlgebra
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fixed synthetic regression task of the GP benchmarks (and of `Benchmarks/peers/botorch_gp.py`).
///
/// `f(x) = Σ_{i=1..d} sin(3 x_i + 0.5 i) + 0.25 (Σ_i x_i)² / d` on `[0, 1]^d`, observed with
/// Gaussian noise of standard deviation 0.05; inputs uniform.
public enum SyntheticRegression {
    /// Noise standard deviation of the observations.
    public static let noiseStandardDeviation = 0.05

    /// The noise-free function at one point.
    public static func value(at x: [Double]) -> Double {
        var sum = 0.0
        var total = 0.0
        for (index, xi) in x.enumerated() {
            sum += sin(3 * xi + 0.5 * Double(index + 1))
            total += xi
        }
        return sum + 0.25 * total * total / Double(max(x.count, 1))
    }

    /// `n` uniform points in `[0, 1]^dimension` and their noisy observations.
    public static func sample(count n: Int, dimension: Int, seed: UInt64) -> (inputs: Matrix, outputs: [Double]) {
        var generator = SeededGenerator(seed: seed)
        let inputs = uniformPoints(count: n, dimension: dimension, generator: &generator)
        let outputs = (0..<n).map { i in
            value(at: inputs.row(i)) + noiseStandardDeviation * generator.nextNormal()
        }
        return (inputs, outputs)
    }

    /// `n` uniform points in `[0, 1]^dimension`.
    public static func uniformPoints(count n: Int, dimension: Int, generator: inout SeededGenerator) -> Matrix {
        var inputs = Matrix(rows: n, columns: dimension)
        for i in 0..<n {
            for j in 0..<dimension { inputs[i, j] = generator.nextUniform() }
        }
        return inputs
    }
}
