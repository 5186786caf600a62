import GaussianProcess
import LinearAlgebra
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// qNParEGO (Daulton et al. 2020): the log noisy expected improvement of a random augmented
/// Chebyshev scalarisation of the objectives (Knowles 2006), for many objectives.
///
/// Objectives are normalised to `[0, 1]` by the observed bounds; with weights `w` on the simplex,
/// `s(y) = max_m w_m ŷ_m + 0.05 Σ_m w_m ŷ_m` (minimised). Per Monte-Carlo sample, the improvement is
/// `max(0, min_b s(F_b) - s(y))` over the feasible baseline; the value is the log of its
/// feasibility-weighted mean, continued by `-1000 - mean(shortfall² + violation²)` where no sample improves.
/// With one objective it is the log noisy expected improvement.
public struct LogNoisyParEGO: MonteCarloAcquisition {
    let map: UnitCubeMap
    let objectives: [JointPosteriorSampler]
    let constraints: [JointPosteriorSampler]
    let weights: [Double]
    let offsets: [Double]
    let ranges: [Double]
    let constraintScales: [Double]
    let incumbents: [Double]
    let eta: Double
    static let augmentation = 0.05

    public var dimension: Int { map.dimension }

    /// - Parameters:
    ///   - weights: scalarisation weights (on the simplex); nil draws them from `seed`.
    public init(
        objectiveModels: [ExactGP],
        constraintModels: [ExactGP] = [],
        baseline: Matrix,
        map: UnitCubeMap,
        weights: [Double]? = nil,
        samples: Int = 128,
        eta: Double = 1e-3,
        seed: UInt64 = 0
    ) {
        let m = objectiveModels.count
        var generator = SeededGenerator(seed: seed ^ 0x9A2E_60)
        let w: [Double]
        if let weights {
            w = weights
        } else {
            w = generator.nextSimplexPoint(dimension: m)
        }
        self.weights = w
        offsets = objectiveModels.map { $0.trainingOutputs.min() ?? 0 }
        ranges = objectiveModels.map {
            let spread = ($0.trainingOutputs.max() ?? 1) - ($0.trainingOutputs.min() ?? 0)
            return spread > 0 ? spread : 1
        }
        constraintScales = constraintModels.map { max($0.outcomeTransform.scale, 1e-12) }
        let n = baseline.rows
        let samplers = JointPosteriorSampler.samplers(
            for: objectiveModels + constraintModels,
            baseline: baseline,
            samples: samples,
            seed: seed
        )
        let objectiveSamplers = Array(samplers.prefix(objectiveModels.count))
        let constraintSamplers = Array(samplers.dropFirst(objectiveModels.count))
        objectives = objectiveSamplers
        constraints = constraintSamplers
        self.map = map
        self.eta = eta
        var incumbents = [Double](repeating: .infinity, count: samples)
        let offsets = self.offsets
        let ranges = self.ranges
        for s in 0..<samples {
            for b in 0..<n {
                if constraintSamplers.contains(where: { $0.baselineValues[s, b] > 0 }) { continue }
                let y = (0..<m).map { (objectiveSamplers[$0].baselineValues[s, b] - offsets[$0]) / ranges[$0] }
                incumbents[s] = min(incumbents[s], Self.scalarize(y, weights: w).value)
            }
        }
        // With no feasible baseline point, improvement is measured from the worst normalised value.
        self.incumbents = incumbents.map { $0.isFinite ? $0 : 1 + Self.augmentation }
    }

    /// The augmented Chebyshev value and the index of the maximising objective.
    static func scalarize(_ y: [Double], weights: [Double]) -> (value: Double, argmax: Int) {
        var largest = -Double.infinity
        var argmax = 0
        var sum = 0.0
        for j in y.indices {
            let t = weights[j] * y[j]
            if t > largest {
                largest = t
                argmax = j
            }
            sum += t
        }
        return (largest + augmentation * sum, argmax)
    }

    func evaluate(_ u: [Double], gradient: inout [Double], wantGradient: Bool) -> Double {
        let x = map.point(u)
        let d = dimension
        let m = objectives.count
        let s = incumbents.count
        let objectiveSamples = objectives.map { $0.candidateSamples(at: x, withGradient: wantGradient) }
        let weighting = ConstraintWeighting(
            samples: constraints.map { $0.candidateSamples(at: x, withGradient: wantGradient) },
            scales: constraintScales,
            eta: eta
        )
        let weightsPerSample = weighting.weights(count: s)
        var total = 0.0
        var gains = [Double](repeating: 0, count: s)
        var argmaxes = [Int](repeating: 0, count: s)
        var shortfalls = [Double](repeating: 0, count: s)
        var y = [Double](repeating: 0, count: m)
        for k in 0..<s {
            for j in 0..<m { y[j] = (objectiveSamples[j].values[k] - offsets[j]) / ranges[j] }
            let (value, argmax) = Self.scalarize(y, weights: weights)
            argmaxes[k] = argmax
            let gain = incumbents[k] - value
            gains[k] = max(gain, 0)
            shortfalls[k] = max(-gain, 0)
            total += weightsPerSample[k] * gains[k]
        }
        let mean = total / Double(s)
        // ∂s/∂y_j = w_j [j == argmax] + 0.05 w_j, divided by the range.
        func dScalar(_ k: Int, _ j: Int) -> Double {
            weights[j] * ((argmaxes[k] == j ? 1 : 0) + Self.augmentation) / ranges[j]
        }
        if wantGradient { for l in 0..<d { gradient[l] = 0 } }
        if mean > 0 && mean.isFinite {
            guard wantGradient else { return log(mean) }
            let factor = 1 / (Double(s) * mean)
            for (j, samples) in objectiveSamples.enumerated() {
                guard let dy = samples.gradient else { continue }
                for k in 0..<s where gains[k] > 0 {
                    let coefficient = -factor * weightsPerSample[k] * dScalar(k, j)
                    for l in 0..<d { gradient[l] += coefficient * dy.elements[k + l * s] }
                }
            }
            weighting.addWeightGradient(
                coefficients: gains.map { factor * $0 },
                weights: weightsPerSample,
                to: &gradient
            )
            for l in 0..<d { gradient[l] *= map.widths[l] }
            return log(mean)
        }
        var penalty = 0.0
        for k in 0..<s {
            penalty += shortfalls[k] * shortfalls[k] + weighting.penalty(k)
        }
        let value = LogNoisyExpectedHypervolumeImprovement.continuationOffset - penalty / Double(s)
        guard wantGradient else { return value }
        for (j, samples) in objectiveSamples.enumerated() {
            guard let dy = samples.gradient else { continue }
            for k in 0..<s where shortfalls[k] > 0 {
                let coefficient = -2 * shortfalls[k] * dScalar(k, j) / Double(s)
                for l in 0..<d { gradient[l] += coefficient * dy.elements[k + l * s] }
            }
        }
        weighting.addPenaltyGradient(sampleCount: s, to: &gradient)
        for l in 0..<d { gradient[l] *= map.widths[l] }
        return value
    }
}
