import Acquisition
import GaussianProcess
import LinearAlgebra
import Problems
import Sampling

/// The straddle acquisition of Bryan et al. (2005) for level sets: `1.96 σ(x) - |μ(x) - t|`,
/// largest where the function is both uncertain and close to the threshold.
public struct StraddleAcquisition: AcquisitionFunction {
    let model: ExactGP
    let threshold: Double
    let map: UnitCubeMap

    public init(model: ExactGP, threshold: Double, map: UnitCubeMap) {
        self.model = model
        self.threshold = threshold
        self.map = map
    }

    public var dimension: Int { map.dimension }

    public func value(at u: [Double]) -> Double {
        let p = model.posterior(at: Matrix(rows: 1, columns: dimension, columnMajor: map.point(u)))
        return 1.96 * p.variance[0].squareRoot() - abs(p.mean[0] - threshold)
    }

    public func value(at u: [Double], gradient: inout [Double]) -> Double {
        let p = model.posteriorWithGradients(at: map.point(u))
        let sigma = max(p.variance, 1e-300).squareRoot()
        let sign: Double = p.mean >= threshold ? 1 : -1
        for j in 0..<dimension {
            gradient[j] = (1.96 * p.varianceGradient[j] / (2 * sigma) - sign * p.meanGradient[j]) * map.widths[j]
        }
        return 1.96 * sigma - abs(p.mean - threshold)
    }
}

/// Active learning of an excursion set with a GP: a Sobol start, then batches of designs maximising
/// the straddle, each batch built by kriging believer (the GP conditioned on the designs already
/// chosen at their predicted means, without refitting).
public struct LevelSetEstimator: Sendable {
    /// How the next design is chosen.
    public enum Criterion: String, Sendable, CaseIterable {
        /// `1.96 σ - |μ - t|`, maximised by quasi-Newton (Bryan et al. 2005).
        case straddle
        /// Stepwise uncertainty reduction: the candidate that most lowers the expected number of
        /// misclassified grid points, `Σ_g Φ(-|μ_g - t| / σ_g)`, once its value is known (the
        /// variance update of kriging; Chevalier et al. 2014), over quasi-random candidates.
        case sur
    }

    public var function: ExcursionFunction
    public var batch: Int
    public var initialDesign: Int
    public var criterion: Criterion = .straddle
    public var optimizer = AcquisitionOptimizer(rawSamples: 512, restarts: 8)

    public init(function: ExcursionFunction, batch: Int = 4, initialDesign: Int? = nil) {
        self.function = function
        self.batch = batch
        self.initialDesign = initialDesign ?? max(2 * function.dimension + 2, 4)
    }

    /// The outcome of a run: evaluations and the classification quality on a dense grid.
    public struct Result: Sendable {
        public var evaluations: Int
        public var accuracy: Double
        public var balancedAccuracy: Double
        public var inputs: [[Double]]
        public var model: ExactGP
    }

    /// Runs until `budget` evaluations; accuracy is measured on a grid of `gridPerSide` points per side.
    public func run(budget: Int, seed: UInt64, gridPerSide: Int = 100) throws -> Result {
        let map = UnitCubeMap(lower: function.lower, upper: function.upper)
        var sobol = SobolSequence(dimension: function.dimension, scrambled: true, seed: seed)
        var inputs = (0..<min(initialDesign, budget)).map { _ in map.point(sobol.next()) }
        var outputs = inputs.map(function.evaluate)
        var options = GPFitOptions()
        options.noiseBounds = 1e-6...1e-6
        var model = try fit(inputs, outputs, options, seed)
        var round: UInt64 = 0
        while inputs.count < budget {
            let q = min(batch, budget - inputs.count)
            var believer = model
            var chosen: [[Double]] = []
            for k in 0..<q {
                let x: [Double]
                switch criterion {
                case .straddle:
                    let candidates = optimizer.maximize(
                        StraddleAcquisition(model: believer, threshold: function.threshold, map: map),
                        seed: seed &+ round &* 1000 &+ UInt64(k)
                    )
                    x = map.point(candidates.first?.point ?? sobol.next())
                case .sur:
                    x = uncertaintyReductionChoice(believer, map: map, seed: seed &+ round &* 1000 &+ UInt64(k))
                }
                chosen.append(x)
                let mean = believer.posterior(at: Matrix(rowArrays: [x])).mean[0]
                believer = (try? believer.conditioned(on: Matrix(rowArrays: [x]), outputs: [mean])) ?? believer
            }
            inputs += chosen
            outputs += chosen.map(function.evaluate)
            model = try fit(inputs, outputs, options, seed &+ round)
            round += 1
        }
        let (accuracy, balanced) = score(model, gridPerSide: gridPerSide)
        return Result(
            evaluations: inputs.count,
            accuracy: accuracy,
            balancedAccuracy: balanced,
            inputs: inputs,
            model: model
        )
    }

    /// The quasi-random candidate whose observation most lowers the expected misclassification on a
    /// coarse grid (`Σ_g Φ(-|μ_g - t|/σ_g)` with `σ_g² ← σ_g² - c_g(x)² / σ²(x)`).
    func uncertaintyReductionChoice(_ model: ExactGP, map: UnitCubeMap, seed: UInt64) -> [Double] {
        let perSide = [1: 200, 2: 40, 3: 14][function.dimension] ?? 8
        let grid = Matrix(rowArrays: function.grid(perSide: perSide))
        let (mean, variance) = model.posterior(at: grid)
        let threshold = function.threshold
        let reference = model.referenceSet(grid)
        var sobol = SobolSequence(dimension: function.dimension, scrambled: true, seed: seed)
        var best: [Double] = map.point(sobol.next())
        var bestScore = -Double.infinity
        for _ in 0..<256 {
            let x = map.point(sobol.next())
            let cross = model.crossPosterior(at: x, reference: reference)
            let denominator = max(cross.variance, 1e-12)
            var score = 0.0
            for g in 0..<grid.rows {
                let before = max(variance[g], 1e-18)
                let after = max(before - cross.covariance[g] * cross.covariance[g] / denominator, 1e-18)
                let distance = abs(mean[g] - threshold)
                score +=
                    NormalDistribution.cdf(-distance / before.squareRoot())
                    - NormalDistribution.cdf(-distance / after.squareRoot())
            }
            if score > bestScore {
                bestScore = score
                best = x
            }
        }
        return best
    }

    func fit(_ inputs: [[Double]], _ outputs: [Double], _ options: GPFitOptions, _ seed: UInt64) throws -> ExactGP {
        try ExactGP.fit(
            inputs: Matrix(rowArrays: inputs),
            outputs: outputs,
            bounds: InputNormalization(lower: function.lower, upper: function.upper),
            options: options,
            seed: seed
        ).model
    }

    /// Fraction of grid points classified correctly by the posterior mean, and the balanced accuracy.
    public func score(_ model: ExactGP, gridPerSide: Int) -> (accuracy: Double, balanced: Double) {
        let grid = function.grid(perSide: gridPerSide)
        let mean = model.posterior(at: Matrix(rowArrays: grid)).mean
        var (truePositive, trueNegative, positives, negatives) = (0, 0, 0, 0)
        for (i, x) in grid.enumerated() {
            let truth = function.evaluate(x) > function.threshold
            let predicted = mean[i] > function.threshold
            if truth {
                positives += 1
                if predicted { truePositive += 1 }
            } else {
                negatives += 1
                if !predicted { trueNegative += 1 }
            }
        }
        let accuracy = Double(truePositive + trueNegative) / Double(grid.count)
        let sensitivity = positives > 0 ? Double(truePositive) / Double(positives) : 1
        let specificity = negatives > 0 ? Double(trueNegative) / Double(negatives) : 1
        return (accuracy, 0.5 * (sensitivity + specificity))
    }
}
