import Acquisition
import GaussianProcess
import LinearAlgebra
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BayesianOptimizer {
    /// A proposal from sample paths: `q` paths per output at `candidates` (user units), the
    /// descended designs of the first `descents` slots appended to them (``descendedDesigns(models:starts:lower:upper:ideal:scales:weights:)``,
    /// unless ``TrustRegionSettings/descentSteps`` is 0), then the values at `pending`.
    ///
    /// - Parameters:
    ///   - lower: the box the descents stay in, unit cube (its upper corner `upper`).
    ///   - frontScore: the observations' scales; the ideal is the smallest observed value of each
    ///     objective.
    ///   - taken: designs that are not proposed again.
    func sampledProposal(
        objectiveModels: [ExactGP],
        constraintModels: [ExactGP],
        candidates: [[Double]],
        pending: [[Double]],
        lower: [Double],
        upper: [Double],
        slots q: Int,
        descents: Int,
        observations: Observations,
        frontScore: FrontScore,
        taken: Set<[Double]>,
        seed: UInt64
    ) -> RegionProposal {
        func paths(_ model: ExactGP, offset: Int) -> PosteriorSamplePaths {
            PosteriorSamplePaths(
                model: model,
                count: q,
                features: trustRegion.features,
                seed: seed &+ UInt64(offset + 1) &* 0x51ED_2705
            )
        }
        let objectivePaths = objectiveModels.enumerated().map { paths($0.element, offset: $0.offset) }
        var objectiveValues = objectivePaths.map { $0.values(at: Matrix(rowArrays: candidates)) }
        var candidates = candidates
        if trustRegion.descentSteps > 0, !candidates.isEmpty {
            let m = objectiveModels.count
            let ideal = (0..<m).map { j in
                observations.objectives.map { $0[j] }.min() ?? 0
            }
            let weights = Self.simplexWeights(slots: min(descents, q), objectives: m, seed: seed)
            let starts = Self.descentStarts(
                values: objectiveValues,
                candidates: candidates.count,
                ideal: ideal,
                scales: frontScore.scales,
                weights: weights
            )
            var seen = taken.union(candidates)
            var descended: [[Double]] = []
            for x in descendedDesigns(
                models: objectiveModels,
                starts: starts.map { candidates[$0] },
                lower: lower,
                upper: upper,
                ideal: ideal,
                scales: frontScore.scales,
                weights: weights
            ) where !seen.contains(x) && satisfiesLinearConstraints(x) {
                seen.insert(x)
                descended.append(x)
            }
            candidates += descended
            if !descended.isEmpty {
                let rows = Matrix(rowArrays: descended)
                objectiveValues = zip(objectiveValues, objectivePaths).map { $0.appendingRows($1.values(at: rows)) }
            }
        }
        if !pending.isEmpty {
            let rows = Matrix(rowArrays: pending)
            objectiveValues = zip(objectiveValues, objectivePaths).map { $0.appendingRows($1.values(at: rows)) }
        }
        let points = Matrix(rowArrays: candidates + pending)
        return RegionProposal(
            candidates: candidates,
            objectiveValues: objectiveValues,
            constraintValues: constraintModels.enumerated().map {
                paths($0.element, offset: objectiveModels.count + $0.offset).values(at: points)
            },
            pendingCount: pending.count
        )
    }

    /// Gradient steps on the posterior mean: per batch slot `k`, the design that a projected
    /// descent of slot `k`'s scalarisation of the objectives' posterior means reaches in a box,
    /// from the candidate that slot `k`'s sample paths rank best.
    ///
    /// A Thompson batch over a finite candidate set perturbs a few coordinates of front points at
    /// random; in 50 or 100 dimensions the sample paths then choose among designs that move most
    /// coordinates nowhere, and a study descends by a few percent a batch. Following the means'
    /// gradient moves every coordinate at once: the descended designs join the candidates, and the
    /// greedy batch still chooses by sampled hypervolume improvement among all of them. (Descending
    /// each slot's sample paths instead was measured and lost: in 100 dimensions with a few hundred
    /// points a path's gradient is mostly prior noise, and its descents land where no data is.)
    ///
    /// The descended function is slot `k`'s augmented Chebyshev scalarisation
    /// `max_j w_kj (μ_j(x) - z_j) / s_j + 0.05 Σ_j w_kj (μ_j(x) - z_j) / s_j` with random simplex
    /// weights `w_k`, the observed ideal `z` and ranges `s` (objectives minimised); constraints are
    /// left to the batch's choice. Steps are projected on the box, have length `step` in their
    /// largest coordinate (a quarter of the box's edge at first), grow by 1.5 after a decrease and
    /// shrink by 0.3 otherwise.
    ///
    /// - Parameters:
    ///   - models: per objective, its GP.
    ///   - starts: per slot, the design (user units) to descend from.
    ///   - lower: the box's lower corner, unit cube.
    ///   - upper: its upper corner, unit cube.
    ///   - ideal: per objective, the smallest observed value.
    ///   - scales: per objective, the observed range.
    ///   - weights: per slot, the scalarisation's weights (``simplexWeights(slots:objectives:seed:)``).
    /// - Returns: one design per slot, user units (integers rounded).
    /// - Complexity: ``TrustRegionSettings/descentSteps`` evaluations of `M` mean gradients per
    ///   slot, each `O(n d)` (``ExactGP/meanAndGradient(at:)``).
    func descendedDesigns(
        models: [ExactGP],
        starts: [[Double]],
        lower: [Double],
        upper: [Double],
        ideal: [Double],
        scales: [Double],
        weights: [[Double]]
    ) -> [[Double]] {
        let d = space.dimension
        let m = models.count
        let map = UnitCubeMap(lower: space.lower, upper: space.upper)
        let widths = map.widths
        var frozen = [Bool](repeating: false, count: d)
        for coordinate in space.categoricalCoordinates { frozen[coordinate.dimension] = true }
        var result: [[Double]] = []
        for (start, weights) in zip(starts, weights) {
            // The scalarisation and its gradient in unit-cube coordinates.
            func evaluate(_ u: [Double]) -> (value: Double, gradient: [Double]) {
                let x = map.point(u)
                var terms = [Double](repeating: 0, count: m)
                var gradients: [[Double]] = []
                for j in 0..<m {
                    let (value, gradient) = models[j].meanAndGradient(at: x)
                    terms[j] = weights[j] * (value - ideal[j]) / scales[j]
                    gradients.append(gradient)
                }
                let largest = terms.indices.max { terms[$0] < terms[$1] } ?? 0
                var gradient = [Double](repeating: 0, count: d)
                for j in 0..<m {
                    let factor = weights[j] / scales[j] * ((j == largest ? 1 : 0) + Self.chebyshevAugmentation)
                    for i in 0..<d where !frozen[i] { gradient[i] += factor * gradients[j][i] * widths[i] }
                }
                return (Self.augmentedChebyshev(terms), gradient)
            }
            var u = map.unit(start).enumerated().map { min(max($0.element, lower[$0.offset]), upper[$0.offset]) }
            var current = evaluate(u)
            var step = 0.25 * (zip(lower, upper).map { $1 - $0 }.max() ?? 1)
            for _ in 0..<trustRegion.descentSteps {
                // A step of length `step` in the largest coordinate, along the projected gradient.
                var direction = [Double](repeating: 0, count: d)
                for i in 0..<d {
                    let g = -current.gradient[i]
                    if (g < 0 && u[i] <= lower[i]) || (g > 0 && u[i] >= upper[i]) { continue }
                    direction[i] = g
                }
                let largest = direction.map(abs).max() ?? 0
                guard largest > 0, largest.isFinite else { break }
                let trial = (0..<d).map { min(max(u[$0] + step * direction[$0] / largest, lower[$0]), upper[$0]) }
                let next = evaluate(trial)
                if next.value < current.value {
                    u = trial
                    current = next
                    step *= 1.5
                } else {
                    step *= 0.3
                    if step < 1e-4 { break }
                }
            }
            result.append(space.point(fromUnit: u))
        }
        return result
    }

    /// The weight of the sum in the augmented Chebyshev scalarisation (ParEGO's 0.05).
    static let chebyshevAugmentation = 0.05

    /// `max_j t_j + 0.05 Σ_j t_j` of the weighted, shifted and scaled objectives `t`.
    static func augmentedChebyshev(_ terms: [Double]) -> Double {
        (terms.max() ?? 0) + chebyshevAugmentation * terms.reduce(0, +)
    }

    /// Per slot, weights drawn uniformly from the simplex of `m` objectives.
    static func simplexWeights(slots q: Int, objectives m: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed ^ 0x3C6E_F372)
        return (0..<q).map { _ in generator.nextSimplexPoint(dimension: m) }
    }

    /// Per slot `k`, the first `candidates` rows of `values` (per objective, a column per slot)
    /// with the smallest augmented Chebyshev scalarisation under `weights[k]`: the start of slot
    /// `k`'s descent.
    static func descentStarts(
        values: [Matrix],
        candidates: Int,
        ideal: [Double],
        scales: [Double],
        weights: [[Double]]
    ) -> [Int] {
        weights.enumerated().map { k, weights in
            var best = (index: 0, score: Double.infinity)
            for i in 0..<candidates {
                let score = augmentedChebyshev(
                    weights.indices.map { j in weights[j] * (values[j][i, k] - ideal[j]) / scales[j] }
                )
                if score < best.score { best = (i, score) }
            }
            return best.index
        }
    }
}
