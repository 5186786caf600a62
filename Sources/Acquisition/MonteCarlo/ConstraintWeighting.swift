import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sampled outcome constraints of a candidate (feasible when `<= 0`), turned into the feasibility
/// weights of Monte-Carlo acquisitions and into the penalty of their continuation, with gradients.
///
/// The weight of sample `s` is `Π_c σ(-g_sc / (η scale_c))` (BoTorch's constraint sigmoid); the
/// penalty is `Σ_c max(g_sc / scale_c, 0)²`.
struct ConstraintWeighting {
    let samples: [(values: [Double], gradient: Matrix?)]
    let scales: [Double]
    let eta: Double

    /// The feasibility weight of every sample.
    func weights(count s: Int) -> [Double] {
        var weights = [Double](repeating: 1, count: s)
        for (c, sample) in samples.enumerated() {
            let width = eta * scales[c]
            for k in 0..<s { weights[k] *= 1 / (1 + exp(sample.values[k] / width)) }
        }
        return weights
    }

    /// Adds `Σ_k coefficients[k] ∂w_k/∂x` to `gradient` (`coefficients[k] = 0` skips a sample).
    func addWeightGradient(coefficients: [Double], weights: [Double], to gradient: inout [Double]) {
        let s = weights.count
        for (c, sample) in samples.enumerated() {
            guard let dg = sample.gradient else { continue }
            let width = eta * scales[c]
            for k in 0..<s where coefficients[k] != 0 {
                // w = Π σ(-g/η): ∂w/∂g_c = -w (1 - σ_c) / η
                let sigma = 1 / (1 + exp(sample.values[k] / width))
                let coefficient = -coefficients[k] * weights[k] * (1 - sigma) / width
                for l in gradient.indices { gradient[l] += coefficient * dg.elements[k + l * s] }
            }
        }
    }

    /// The squared violation of sample `k`.
    func penalty(_ k: Int) -> Double {
        var total = 0.0
        for (c, sample) in samples.enumerated() {
            let violation = max(sample.values[k] / scales[c], 0)
            total += violation * violation
        }
        return total
    }

    /// Adds `-(1/count) Σ_{k < count} ∂penalty_k/∂x` to `gradient`.
    func addPenaltyGradient(sampleCount count: Int, to gradient: inout [Double]) {
        for (c, sample) in samples.enumerated() {
            guard let dg = sample.gradient else { continue }
            let s = sample.values.count
            for k in 0..<count {
                let violation = max(sample.values[k] / scales[c], 0)
                if violation == 0 { continue }
                let coefficient = -2 * violation / (scales[c] * Double(count))
                for l in gradient.indices { gradient[l] += coefficient * dg.elements[k + l * s] }
            }
        }
    }
}
