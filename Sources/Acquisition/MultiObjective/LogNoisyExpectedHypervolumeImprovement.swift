import GaussianProcess
import LinearAlgebra
import Pareto
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Logarithm of the noisy expected hypervolume improvement (qLogNEHVI, Daulton et al. 2021;
/// Ament et al. 2023), for one candidate at a time against a baseline of observed and pending
/// designs, all objectives minimised.
///
/// The objectives (and outcome constraints) are sampled jointly at the baseline and the candidate
/// with fixed quasi-random base samples (``JointPosteriorSampler``). Each sample's baseline front
/// (its feasible baseline points) is split into non-dominated cells once; the candidate's value is
/// `log((1/S) Σ_s φ_s HVI_s(y_s))`, with `φ_s` the product of sigmoids `σ(-g/η)` of the sampled
/// constraints. Pending designs in the baseline are integrated over, not ignored, so a batch or a
/// new ask while others run is pushed away from designs already being evaluated.
///
/// Where no sample improves (far from the front), the value continues as
/// `-1000 - mean_s(gap_s + violation_s)` over the first 16 samples (the squared distance to the
/// improvement region and the squared constraint violations), so the
/// optimiser still gets a gradient; every improving point ranks above every non-improving one.
public struct LogNoisyExpectedHypervolumeImprovement: MonteCarloAcquisition {
    /// Below this value, the acquisition is in its "no improvement" continuation.
    public static let continuationOffset = -1000.0
    /// Samples used by the continuation below the improvement region.
    static let continuationSamples = 16

    let map: UnitCubeMap
    let objectives: [JointPosteriorSampler]
    let constraints: [JointPosteriorSampler]
    /// Objective scales: samples are divided by these before the cells are used.
    let scales: [Double]
    /// Constraint scales for the feasibility sigmoid.
    let constraintScales: [Double]
    let cells: [ImprovementCells]
    let eta: Double

    public var dimension: Int { map.dimension }
    var sampleCount: Int { objectives[0].sampleCount }

    /// Builds the acquisition.
    ///
    /// - Parameters:
    ///   - objectiveModels: one GP per objective (minimised).
    ///   - constraintModels: one GP per outcome constraint (feasible when `<= 0`).
    ///   - baseline: observed (pruned) and pending designs, `N x d`, user units.
    ///   - reference: the reference point, minimisation frame, user units.
    ///   - map: the search box.
    ///   - samples: number of Monte-Carlo samples (BoTorch uses 128).
    ///   - seed: seeds the quasi-random base samples.
    public init(
        objectiveModels: [ExactGP],
        constraintModels: [ExactGP] = [],
        baseline: Matrix,
        reference: [Double],
        map: UnitCubeMap,
        samples: Int = 128,
        eta: Double = 1e-3,
        seed: UInt64 = 0
    ) {
        precondition(!objectiveModels.isEmpty, "qLogNEHVI needs at least one objective model")
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
        // Scale each objective by the spread between the reference point and the best observed value.
        let scales = objectiveModels.enumerated().map { m, model in
            let best = model.trainingOutputs.min() ?? reference[m]
            let spread = reference[m] - best
            return spread > 1e-12 * max(1, abs(reference[m])) ? spread : max(abs(reference[m]), 1)
        }
        self.scales = scales
        constraintScales = constraintModels.map { max($0.outcomeTransform.scale, 1e-12) }
        let m = objectiveModels.count
        let scaledReference = (0..<m).map { reference[$0] / scales[$0] }
        var cells: [ImprovementCells] = []
        cells.reserveCapacity(samples)
        var points: [Double] = []
        for s in 0..<samples {
            points.removeAll(keepingCapacity: true)
            for b in 0..<n {
                var feasible = true
                for c in constraintSamplers where c.baselineValues[s, b] > 0 { feasible = false }
                guard feasible else { continue }
                for k in 0..<m { points.append(objectiveSamplers[k].baselineValues[s, b] / scales[k]) }
            }
            cells.append(ImprovementCells(points: points, objectives: m, reference: scaledReference))
        }
        self.cells = cells
    }

    func evaluate(_ u: [Double], gradient: inout [Double], wantGradient: Bool) -> Double {
        let x = map.point(u)
        let d = dimension
        let s = sampleCount
        let m = objectives.count
        let objectiveSamples = objectives.map { $0.candidateSamples(at: x, withGradient: wantGradient) }
        let weighting = ConstraintWeighting(
            samples: constraints.map { $0.candidateSamples(at: x, withGradient: wantGradient) },
            scales: constraintScales,
            eta: eta
        )
        let weights = weighting.weights(count: s)

        // Per sample: y (scaled), feasibility weight and its log-derivatives.
        var total = 0.0
        var improvements = [Double](repeating: 0, count: s)
        var dImprovement = [Double](repeating: 0, count: s * m)  // ∂HVI_s/∂y_m (scaled units)
        var y = [Double](repeating: 0, count: m)
        for k in 0..<s {
            for j in 0..<m { y[j] = objectiveSamples[j].values[k] / scales[j] }
            let hvi = y.withUnsafeBufferPointer { py in
                dImprovement.withUnsafeMutableBufferPointer { g in
                    cells[k].improvement(py.baseAddress!, gradient: wantGradient ? g.baseAddress! + k * m : nil)
                }
            }
            improvements[k] = hvi
            total += weights[k] * hvi
        }
        let mean = total / Double(s)
        if mean > 0 && mean.isFinite {
            guard wantGradient else { return log(mean) }
            for j in 0..<d { gradient[j] = 0 }
            // ∂ log mean / ∂x = (1 / (S mean)) Σ_s [w_s Σ_m ∂HVI/∂y_m ∂y_m/∂x + HVI_s ∂w_s/∂x]
            let factor = 1 / (Double(s) * mean)
            for (j, samples) in objectiveSamples.enumerated() {
                guard let dy = samples.gradient else { continue }
                for k in 0..<s where improvements[k] > 0 {
                    let coefficient = factor * weights[k] * dImprovement[k * m + j] / scales[j]
                    if coefficient == 0 { continue }
                    for l in 0..<d { gradient[l] += coefficient * dy.elements[k + l * s] }
                }
            }
            weighting.addWeightGradient(coefficients: improvements.map { factor * $0 }, weights: weights, to: &gradient)
            for l in 0..<d { gradient[l] *= map.widths[l] }
            return log(mean)
        }
        // Continuation: mean over samples of the squared gap to the improvement region plus the
        // squared constraint violations.
        // The continuation only guides the search towards improvement: a subset of the samples suffices.
        let guideSamples = min(s, Self.continuationSamples)
        var penalty = 0.0
        var dPenalty = [Double](repeating: 0, count: wantGradient ? s * m : 0)
        for k in 0..<guideSamples {
            for j in 0..<m { y[j] = objectiveSamples[j].values[k] / scales[j] }
            penalty += y.withUnsafeBufferPointer { py in
                if wantGradient {
                    return dPenalty.withUnsafeMutableBufferPointer { g in
                        cells[k].squaredGap(py.baseAddress!, gradient: g.baseAddress! + k * m)
                    }
                }
                return cells[k].squaredGap(py.baseAddress!, gradient: nil)
            }
            penalty += weighting.penalty(k)
        }
        let value = Self.continuationOffset - penalty / Double(guideSamples)
        guard wantGradient else { return value }
        for j in 0..<d { gradient[j] = 0 }
        for (j, samples) in objectiveSamples.enumerated() {
            guard let dy = samples.gradient else { continue }
            for k in 0..<guideSamples {
                let coefficient = -dPenalty[k * m + j] / (scales[j] * Double(guideSamples))
                if coefficient == 0 { continue }
                for l in 0..<d { gradient[l] += coefficient * dy.elements[k + l * s] }
            }
        }
        weighting.addPenaltyGradient(sampleCount: guideSamples, to: &gradient)
        for l in 0..<d { gradient[l] *= map.widths[l] }
        return value
    }
}
