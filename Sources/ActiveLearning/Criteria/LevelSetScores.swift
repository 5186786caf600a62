import Foundation
import GaussianProcess
import LinearAlgebra
import Sampling

/// The integration grid of the grid-based criteria (SUR, entropy): 200 points in 1-D, 40² in 2-D,
/// 14³ in 3-D, 8 per side beyond.
struct GridContext {
    let points: Matrix

    init(problem: LevelSetProblem) {
        let perSide = [1: 200, 2: 40, 3: 14][problem.dimension] ?? 8
        points = Matrix(rowArrays: problem.grid(perSide: perSide))
    }
}

/// Scores of candidate designs under each candidate-based criterion, summed over outputs and
/// thresholds (larger is better).
struct LevelSetScores {
    let problem: LevelSetProblem
    let models: [ExactGP]
    let context: GridContext?

    func scores(_ candidates: [[Double]], criterion: LevelSetCriterion) -> [Double] {
        switch criterion {
        case .straddle: return straddle(candidates)
        case .tmse: return targetedMeanSquaredError(candidates)
        case .sur: return uncertaintyReduction(candidates)
        case .entropy: return informationGain(candidates)
        case .uniform: return candidates.map { _ in 0 }
        }
    }

    func posteriors(_ candidates: [[Double]]) -> [(mean: [Double], variance: [Double])] {
        models.map { $0.posterior(at: Matrix(rowArrays: candidates)) }
    }

    /// `max over outputs and thresholds of 1.96 σ - |μ - t|`.
    func straddle(_ candidates: [[Double]]) -> [Double] {
        let posterior = posteriors(candidates)
        return candidates.indices.map { i in
            var best = -Double.infinity
            for (k, p) in posterior.enumerated() {
                let sigma = max(p.variance[i], 0).squareRoot()
                for t in problem.thresholds[k] { best = max(best, 1.96 * sigma - abs(p.mean[i] - t)) }
            }
            return best
        }
    }

    /// `Σ σ² φ((μ - t) / s) / s` with `s² = σ² + ε²`, `ε` 1% of the spread of the model's training outputs.
    func targetedMeanSquaredError(_ candidates: [[Double]]) -> [Double] {
        let posterior = posteriors(candidates)
        var scores = [Double](repeating: 0, count: candidates.count)
        for (k, p) in posterior.enumerated() {
            let epsilon = 0.01 * models[k].outputSpread
            for i in candidates.indices {
                let variance = max(p.variance[i], 0)
                let s = (variance + epsilon * epsilon).squareRoot()
                for t in problem.thresholds[k] {
                    scores[i] += variance * NormalDistribution.density((p.mean[i] - t) / s) / s
                }
            }
        }
        return scores
    }

    /// The drop in the expected number of misclassified grid points, `Σ_g Φ(-|μ_g - t| / σ_g)`, when
    /// the candidate's value becomes known (`σ_g² ← σ_g² - c_g(x)² / σ²(x)`).
    func uncertaintyReduction(_ candidates: [[Double]]) -> [Double] {
        guard let grid = context?.points else { return candidates.map { _ in 0 } }
        var scores = [Double](repeating: 0, count: candidates.count)
        for (k, model) in models.enumerated() {
            let (mean, variance) = model.posterior(at: grid)
            let reference = model.referenceSet(grid)
            for (i, x) in candidates.enumerated() {
                let cross = model.crossPosterior(at: x, reference: reference)
                let denominator = max(cross.variance, 1e-12)
                var score = 0.0
                for g in 0..<grid.rows {
                    let before = max(variance[g], 1e-18)
                    let after = max(before - cross.covariance[g] * cross.covariance[g] / denominator, 1e-18)
                    for t in problem.thresholds[k] {
                        let distance = abs(mean[g] - t)
                        score +=
                            NormalDistribution.cdf(-distance / before.squareRoot())
                            - NormalDistribution.cdf(-distance / after.squareRoot())
                    }
                }
                scores[i] += score
            }
        }
        return scores
    }

    /// The `excursion` package's information gain: for each grid point `x'`, the mutual information
    /// between `Y(x)` and the label of `x'` (which interval between thresholds `Y(x')` falls in),
    /// `H(Y(x)) - Σ_j P(S(x') = j) H(Y(x) | S(x') = j)` with Gaussian conditional entropies from the
    /// truncated bivariate normal; averaged over the grid and summed over outputs.
    func informationGain(_ candidates: [[Double]]) -> [Double] {
        guard let grid = context?.points else { return candidates.map { _ in 0 } }
        var scores = [Double](repeating: 0, count: candidates.count)
        for (k, model) in models.enumerated() {
            let (mean, variance) = model.posterior(at: grid)
            let reference = model.referenceSet(grid)
            let bounds = [-Double.infinity] + problem.thresholds[k] + [Double.infinity]
            for (i, x) in candidates.enumerated() {
                let cross = model.crossPosterior(at: x, reference: reference)
                let std1 = max(cross.variance, 1e-18).squareRoot()
                let mu1 = cross.mean
                var total = 0.0
                for g in 0..<grid.rows {
                    let std2 = max(variance[g], 1e-18).squareRoot()
                    let information = Self.mutualInformation(
                        mean: mu1,
                        standardDeviation: std1,
                        labelMean: mean[g],
                        labelStandardDeviation: std2,
                        correlation: cross.covariance[g] / (std1 * std2),
                        bounds: bounds
                    )
                    if information.isFinite { total += information }
                }
                scores[i] += total / Double(grid.rows)
            }
        }
        return scores
    }
}

extension LevelSetScores {
    /// The mutual information between `Y`, normal with `mean` and `standardDeviation`, and the label
    /// of `Y'` (the interval between consecutive `bounds` it falls in), `Y'` normal with
    /// `labelMean` and `labelStandardDeviation` and correlated with `Y`: `H(Y) - Σ_j P(j) H(Y | j)`,
    /// each conditional entropy that of a normal with the variance of `Y` given `Y'` in interval `j`
    /// (the `excursion` package's approximation). `bounds` starts at -∞ and ends at +∞.
    static func mutualInformation(
        mean: Double,
        standardDeviation std1: Double,
        labelMean: Double,
        labelStandardDeviation std2: Double,
        correlation: Double,
        bounds: [Double]
    ) -> Double {
        let normalEntropyConstant = 0.5 * log(2 * Double.pi * M_E)
        let rho = max(-1, min(1, correlation))
        var information = log(std1) + normalEntropyConstant
        for j in 0..<(bounds.count - 1) {
            let alpha = (bounds[j] - labelMean) / std2
            let beta = (bounds[j + 1] - labelMean) / std2
            let c = NormalDistribution.cdf(beta) - NormalDistribution.cdf(alpha)
            guard c > 1e-12 else { continue }
            let phiAlpha = alpha.isFinite ? NormalDistribution.density(alpha) : 0
            let phiBeta = beta.isFinite ? NormalDistribution.density(beta) : 0
            let aPhiA = alpha.isFinite ? alpha * phiAlpha : 0
            let bPhiB = beta.isFinite ? beta * phiBeta : 0
            // Var(Y | Y' in interval j) of the bivariate normal truncated in its second coordinate.
            let shift = rho / c * (phiBeta - phiAlpha)
            let conditionalVariance = std1 * std1 * (1 - rho * rho / c * (bPhiB - aPhiA)) - std1 * std1 * shift * shift
            guard conditionalVariance > 0 else { continue }
            information -= c * (0.5 * log(conditionalVariance) + normalEntropyConstant)
        }
        return information
    }
}

extension ExactGP {
    /// The standard deviation of the training outputs (user units).
    var outputSpread: Double {
        let y = trainingOutputs
        guard y.count > 1 else { return 1 }
        let mean = y.reduce(0, +) / Double(y.count)
        let variance = y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(y.count - 1)
        return variance > 0 ? variance.squareRoot() : 1
    }
}
