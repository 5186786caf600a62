import Optimization
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maximises an acquisition function over the unit cube as BoTorch's `optimize_acqf` does:
/// quasi-random raw samples, a Boltzmann-weighted choice of starting points among them (the best
/// always included), and a bounded quasi-Newton search with the analytic gradient from each start.
public struct AcquisitionOptimizer: Sendable {
    /// Number of scrambled Sobol raw samples (BoTorch's tutorials use 512).
    public var rawSamples: Int = 1024
    /// Number of quasi-Newton starts (BoTorch's tutorials use 10).
    public var restarts: Int = 20
    /// The local optimiser (minimising the negated acquisition).
    public var localSearch = BoundedLBFGS(
        memory: 10,
        maxIterations: 100,
        maxEvaluations: 150,
        functionTolerance: 1e-9,
        gradientTolerance: 1e-7
    )

    public init(rawSamples: Int = 1024, restarts: Int = 20) {
        self.rawSamples = rawSamples
        self.restarts = restarts
    }

    /// One local optimum.
    public struct Candidate: Sendable {
        /// The point in the unit cube.
        public var point: [Double]
        public var value: Double

        public init(point: [Double], value: Double) {
            self.point = point
            self.value = value
        }
    }

    /// The local optima from every start, best first.
    ///
    /// - Parameters:
    ///   - acquisition: the function to maximise.
    ///   - fixed: coordinates held at a value (for instance a categorical choice being enumerated).
    ///   - seed: seeds the raw samples and the choice of starts.
    public func maximize(
        _ acquisition: some AcquisitionFunction,
        fixed: [Int: Double] = [:],
        seed: UInt64
    ) -> [Candidate] {
        let d = acquisition.dimension
        var sobol = SobolSequence(dimension: d, scrambled: true, seed: seed)
        var raw: [[Double]] = []
        var values: [Double] = []
        raw.reserveCapacity(rawSamples)
        for _ in 0..<rawSamples {
            var u = sobol.next()
            for (j, value) in fixed { u[j] = value }
            raw.append(u)
            values.append(acquisition.value(at: u))
        }
        let starts = chooseStarts(values: values, seed: seed)
        var lower = [Double](repeating: 0, count: d)
        var upper = [Double](repeating: 1, count: d)
        for (j, value) in fixed {
            lower[j] = value
            upper[j] = value
        }
        var results: [Candidate] = []
        for index in starts {
            let result = localSearch.minimize(
                { u, gradient in
                    let value = acquisition.value(at: u, gradient: &gradient)
                    for j in gradient.indices { gradient[j] = -gradient[j] }
                    return value.isFinite ? -value : .infinity
                },
                start: raw[index],
                lower: lower,
                upper: upper
            )
            let value = -result.value
            // Keep the raw sample if the search did not improve on it (it never should get worse).
            if value >= values[index] {
                results.append(Candidate(point: result.x, value: value))
            } else {
                results.append(Candidate(point: raw[index], value: values[index]))
            }
        }
        return results.sorted { $0.value > $1.value }
    }

    /// Starting points: the best raw sample, then draws without replacement with weights
    /// `exp(z)` on the standardised values (BoTorch's `initialize_q_batch` with `eta = 1`).
    func chooseStarts(values: [Double], seed: UInt64) -> [Int] {
        let n = values.count
        guard n > 0 else { return [] }
        let finite = values.map { $0.isFinite ? $0 : -Double.greatestFiniteMagnitude }
        let best = finite.indices.max { finite[$0] < finite[$1] }!
        let count = min(restarts, n)
        let mean = finite.reduce(0, +) / Double(n)
        let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(n - 1, 1))
        let sd = variance > 0 && variance.isFinite ? variance.squareRoot() : 1
        let top = finite[best]
        var weights = finite.map { exp(min(($0 - top) / sd, 0)) }
        var chosen = [best]
        weights[best] = 0
        var generator = SeededGenerator(seed: seed ^ 0x57A2_75)
        while chosen.count < count {
            let total = weights.reduce(0, +)
            guard total > 0 else { break }
            var target = generator.nextUniform() * total
            var pick = 0
            for i in 0..<n {
                target -= weights[i]
                if target <= 0 && weights[i] > 0 {
                    pick = i
                    break
                }
                pick = i
            }
            if weights[pick] == 0 { break }
            chosen.append(pick)
            weights[pick] = 0
        }
        return chosen
    }
}
