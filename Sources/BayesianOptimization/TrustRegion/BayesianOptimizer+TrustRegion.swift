import Acquisition
import GaussianProcess
import LinearAlgebra
import Pareto
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BayesianOptimizer {
    /// One region's proposals for an ask: its discrete candidates and, for each slot of the batch,
    /// one Thompson sample of every output at them.
    struct RegionProposal {
        /// Candidate designs, user units.
        var candidates: [[Double]]
        /// Per objective: `(C + P) x q` sampled values at the candidates, then at the pending
        /// designs inside the region.
        var objectiveValues: [Matrix]
        /// Per constraint, the same.
        var constraintValues: [Matrix]
        /// Number of pending designs inside the region (the last rows of the value matrices).
        var pendingCount: Int
    }

    /// The next `count` designs by trust-region search (``TrustRegionSettings``): the regions'
    /// state is replayed from the observations, a local GP per output is fitted in each region,
    /// and each design of the batch is the candidate, over all regions, with the largest
    /// hypervolume improvement under one Thompson sample per output (sample paths by pathwise
    /// conditioning, so a batch costs one fit per region and output plus `O(q C)` path values).
    ///
    /// Pending designs and the designs already chosen join the front at their sampled values, so
    /// a batch spreads along the front instead of piling onto one point. Without any feasible
    /// point inside the reference box, candidates are ranked by their scaled distance to it
    /// under random weights; without any feasible candidate, by their total constraint violation.
    func trustRegionDesigns(
        count q: Int,
        observations: Observations,
        pending: [[Double]],
        reference: [Double],
        seed: UInt64
    ) throws(OptimizerError) -> [[Double]] {
        let settings = trustRegion
        let d = space.dimension
        let n = observations.count
        let widths = (0..<d).map { space.upper[$0] - space.lower[$0] }
        let map = UnitCubeMap(lower: space.lower, upper: space.upper)
        let unitInputs = observations.inputs.map(map.unit)
        let feasible = (0..<n).map { observations.isFeasible($0) }
        var history = TrustRegionHistory(
            settings: settings,
            unitInputs: unitInputs,
            objectives: observations.objectives,
            feasible: feasible,
            reference: reference,
            regionCount: settings.regions(forBatch: q),
            initialCount: initialCount,
            budget: budget
        )
        history.replay(batch: settings.historyBatch ?? q)
        let probability = min(20 / Double(d), 1) * history.decay(observed: n)
        let frontScore = FrontScore(
            objectives: observations.objectives,
            feasible: feasible,
            count: n,
            reference: reference
        )
        // Front points inside the reference box: the bases that candidates perturb.
        let frontIndices: [Int] = {
            guard frontScore.hypervolume > 0, let set = try? PointSet(rows: frontScore.points) else { return [] }
            let mask = NondominatedSorting.nondominatedMask(set)
            return frontScore.points.indices.filter { k in
                mask[k] && zip(frontScore.points[k], reference).allSatisfy { $0 < $1 }
            }.map { frontScore.indices[$0] }
        }()
        var taken = Set(observations.inputs + observations.infeasibleInputs + pending)
        let pendingUnit = pending.map(map.unit)
        let infeasibleUnit = observations.infeasibleInputs.map(map.unit)

        var proposals: [RegionProposal] = []
        for (r, region) in history.regions.enumerated() {
            let regionSeed = seed &+ UInt64(r + 1) &* 0x9E37_79B9
            let center = unitInputs[region.center]
            let box = AcquisitionOptimizer.Region(center: center, length: region.length)
            let local = localData(center: center, length: region.length, unitInputs: unitInputs, settings: settings)
            let modelBounds = InputNormalization(
                lower: (0..<d).map { space.lower[$0] + widths[$0] * max(center[$0] - region.length, 0) },
                upper: (0..<d).map { space.lower[$0] + widths[$0] * min(center[$0] + region.length, 1) }
            )
            let inputs = Matrix(rowArrays: local.map { observations.inputs[$0] })
            var objectiveModels: [ExactGP] = []
            for j in 0..<objectiveCount {
                let values = Self.winsorized(local.map { observations.objectives[$0][j] })
                objectiveModels.append(
                    try fitLocal(inputs, values, bounds: modelBounds, seed: regionSeed &+ UInt64(j) &* 7919)
                )
            }
            var constraintModels: [ExactGP] = []
            for k in 0..<constraintCount {
                constraintModels.append(
                    try fitLocal(
                        inputs,
                        local.map { observations.constraints[$0][k] },
                        bounds: modelBounds,
                        seed: regionSeed &+ UInt64(objectiveCount + k) &* 7919
                    )
                )
            }
            // Unknown constraints: a local feasibility model (labels -1 on the region's data, +1 on
            // the infeasible designs nearest it), sampled like the declared constraints.
            if !infeasibleUnit.isEmpty {
                let nearby = localData(
                    center: center,
                    length: region.length,
                    unitInputs: infeasibleUnit,
                    settings: settings
                )
                let rows = local.map { observations.inputs[$0] } + nearby.map { observations.infeasibleInputs[$0] }
                let labels =
                    [Double](repeating: -1, count: local.count) + [Double](repeating: 1, count: nearby.count)
                constraintModels.append(
                    try fitLocal(
                        Matrix(rowArrays: rows),
                        labels,
                        bounds: modelBounds,
                        seed: regionSeed &+ UInt64(objectiveCount + constraintCount) &* 7919
                    )
                )
            }
            let bases = frontIndices.filter {
                TrustRegion.contains(unitInputs[$0], center: center, length: region.length)
            }
            var candidates = perturbationCandidates(
                count: settings.candidatesPerRegion,
                bases: bases.isEmpty ? [center] : bases.map { unitInputs[$0] },
                lower: box.lower,
                upper: box.upper,
                probability: probability,
                seed: regionSeed
            )
            if settings.recombinations > 0, frontIndices.count >= 2 {
                candidates += recombinationCandidates(
                    count: settings.recombinations,
                    bases: bases.isEmpty ? [center] : bases.map { unitInputs[$0] },
                    partners: frontIndices.map { unitInputs[$0] },
                    lower: box.lower,
                    upper: box.upper,
                    seed: regionSeed ^ 0x2545_F491
                )
            }
            candidates = candidates.filter { !taken.contains($0) && satisfiesLinearConstraints($0) }
            guard !candidates.isEmpty else { continue }
            let inside = pending.indices.filter {
                TrustRegion.contains(pendingUnit[$0], center: center, length: region.length)
            }
            proposals.append(
                sampledProposal(
                    objectiveModels: objectiveModels,
                    constraintModels: constraintModels,
                    candidates: candidates,
                    pending: inside.map { pending[$0] },
                    lower: box.lower,
                    upper: box.upper,
                    slots: q,
                    // The batch takes about q / R designs of each region: twice that many descents.
                    descents: min(q, max(4, 2 * q / history.regions.count + 1)),
                    observations: observations,
                    frontScore: frontScore,
                    taken: taken,
                    seed: regionSeed
                )
            )
        }
        guard !proposals.isEmpty else { return sobolDesigns(count: q, skip: n + pending.count, seed: seed) }
        return greedyBatch(
            count: q,
            proposals: proposals,
            frontScore: frontScore,
            reference: reference,
            taken: &taken,
            skip: n + pending.count,
            seed: seed
        )
    }

    /// Fills a batch from sampled proposals: slot `k` takes, over every proposal, the candidate with
    /// the largest hypervolume improvement under sample `k` (infeasible < outside the reference
    /// box < improving), and its sampled values join the front for the next slots.
    func greedyBatch(
        count q: Int,
        proposals: [RegionProposal],
        frontScore: FrontScore,
        reference: [Double],
        taken: inout Set<[Double]>,
        skip: Int,
        seed: UInt64
    ) -> [[Double]] {
        // Greedy batch: slot k uses sample k of every region.
        var generator = SeededGenerator(seed: seed ^ 0x6A09_E667)
        var chosen: [[Double]] = []
        var chosenValues: [[Double]] = []
        var used = proposals.map { [Bool](repeating: false, count: $0.candidates.count) }
        let scales = frontScore.scales
        for k in 0..<q {
            let weights = generator.nextSimplexPoint(dimension: objectiveCount)
            var best: (rule: Int, score: Double, region: Int, index: Int, values: [Double])? = nil
            for (r, proposal) in proposals.enumerated() {
                let c = proposal.candidates.count
                var front = frontScore.points + chosenValues
                for p in 0..<proposal.pendingCount {
                    front.append(proposal.objectiveValues.map { $0[c + p, k] })
                }
                let decomposition = try? HypervolumeBoxDecomposition(
                    points: PointSet(rows: front.isEmpty ? [reference] : front),
                    reference: reference
                )
                let boxes = decomposition?.nondominatedBoxes()
                // Slot k's sampled objectives of the open candidates (row-major, M per candidate).
                let m = objectiveCount
                var values = [Double](repeating: 0, count: c * m)
                for j in 0..<m {
                    let column = proposal.objectiveValues[j]
                    for i in 0..<c { values[i * m + j] = column[i, k] }
                }
                // A higher rule wins (3 improves the front, 2 is near the reference box, 1 violates
                // the constraints least), then a higher score, then the first candidate.
                func consider(rule: Int, score: Double, _ i: Int) {
                    if best == nil || rule > best!.rule || (rule == best!.rule && score > best!.score) {
                        best = (rule, score, r, i, Array(values[(i * m)..<((i + 1) * m)]))
                    }
                }
                var satisfying: [Int] = []
                for i in 0..<c where !used[r][i] {
                    let violation = proposal.constraintValues.reduce(0.0) { $0 + max($1[i, k], 0) }
                    if violation > 0 { consider(rule: 1, score: -violation, i) } else { satisfying.append(i) }
                }
                // The largest improvement is at a candidate no other one dominates (a dominating
                // candidate improves at least as much), so only those are scored: tens of the
                // thousands, each against every box of the front.
                var improved = false
                if let decomposition, let boxes {
                    for i in Self.nondominatedCandidates(satisfying, values: values, objectives: m) {
                        let y = Array(values[(i * m)..<((i + 1) * m)])
                        let improvement = decomposition.hypervolumeImprovement(of: y, boxes: boxes)
                        guard improvement > 0 else { continue }
                        improved = true
                        consider(rule: 3, score: improvement, i)
                    }
                }
                if improved || (best?.rule ?? 0) >= 3 { continue }
                for i in satisfying {
                    var excess = 0.0
                    var sum = 0.0
                    for j in 0..<m {
                        let y = values[i * m + j]
                        excess += weights[j] * max(y - reference[j], 0) / scales[j]
                        sum += weights[j] * y / scales[j]
                    }
                    consider(rule: 2, score: -excess - 1e-3 * sum, i)
                }
            }
            guard let best else { break }
            used[best.region][best.index] = true
            let design = proposals[best.region].candidates[best.index]
            chosen.append(design)
            chosenValues.append(best.values)
            taken.insert(design)
        }
        if chosen.count < q {
            chosen += sobolDesigns(count: q - chosen.count, skip: skip, seed: seed)
        }
        return chosen
    }

    /// The candidates (of `indices`, ascending) that no other one of them weakly dominates, in
    /// ascending order; of equal value vectors the first. `values` holds `objectives` values per
    /// candidate, row-major. ``NondominatedSorting`` on their rows: `O(N log N)` for up to three
    /// objectives.
    static func nondominatedCandidates(_ indices: [Int], values: [Double], objectives m: Int) -> [Int] {
        var rows = [Double]()
        rows.reserveCapacity(indices.count * m)
        for i in indices { rows += values[(i * m)..<((i + 1) * m)] }
        let mask = NondominatedSorting.nondominatedMask(PointSet(dimension: m, coordinates: rows))
        return indices.indices.filter { mask[$0] }.map { indices[$0] }
    }

    /// A large batch from the global models by Thompson sampling: candidates are quasi-random
    /// designs and perturbations of the front's designs, one joint sample path per output and slot
    /// (pathwise conditioning), filled greedily by sampled hypervolume improvement
    /// (``greedyBatch(count:proposals:frontScore:reference:taken:skip:seed:)``). A batch of `q`
    /// costs `O(n D P + C q)` path work and `O(q C)` improvements, against `q` acquisition
    /// optimisations for qLogNEHVI's sequential greedy batch.
    func thompsonDesigns(
        count q: Int,
        objectiveModels: [ExactGP],
        constraintModels: [ExactGP],
        observations: Observations,
        pending: [[Double]],
        reference: [Double],
        seed: UInt64
    ) -> [[Double]] {
        let n = observations.count
        let map = UnitCubeMap(lower: space.lower, upper: space.upper)
        let feasible = (0..<n).map { observations.isFeasible($0) }
        let frontScore = FrontScore(
            objectives: observations.objectives,
            feasible: feasible,
            count: n,
            reference: reference
        )
        let bases: [[Double]] = {
            guard let set = try? PointSet(rows: frontScore.points), !frontScore.points.isEmpty else { return [] }
            let mask = NondominatedSorting.nondominatedMask(set)
            return frontScore.points.indices.filter { mask[$0] }.map {
                map.unit(observations.inputs[frontScore.indices[$0]])
            }
        }()
        let half = Self.thompsonCandidates / 2
        var candidates = sobolDesigns(count: half, skip: n + pending.count, seed: seed ^ 0x7A5E_5EED)
        let d = space.dimension
        candidates += perturbationCandidates(
            count: Self.thompsonCandidates - half,
            bases: bases.isEmpty ? [[Double](repeating: 0.5, count: d)] : bases,
            lower: [Double](repeating: 0, count: d),
            upper: [Double](repeating: 1, count: d),
            probability: min(20 / Double(d), 1),
            seed: seed ^ 0x1D1E_57A7
        )
        var taken = Set(observations.inputs + pending)
        candidates = Array(Set(candidates)).sorted { $0.lexicographicallyPrecedes($1) }
            .filter { !taken.contains($0) && satisfiesLinearConstraints($0) }
        guard !candidates.isEmpty else { return sobolDesigns(count: q, skip: n + pending.count, seed: seed) }
        let proposal = sampledProposal(
            objectiveModels: objectiveModels,
            constraintModels: constraintModels,
            candidates: candidates,
            pending: pending,
            lower: [Double](repeating: 0, count: d),
            upper: [Double](repeating: 1, count: d),
            slots: q,
            descents: Self.globalDescents(batch: q),
            observations: observations,
            frontScore: frontScore,
            taken: taken,
            seed: seed
        )
        return greedyBatch(
            count: q,
            proposals: [proposal],
            frontScore: frontScore,
            reference: reference,
            taken: &taken,
            skip: n + pending.count,
            seed: seed
        )
    }

    /// Slots of a global Thompson batch of `q` that also descend the posterior means: 8, and one in
    /// six from batches of 54 on, so that a service's generations of 100-200 designs descend as
    /// often per design as synchronous batches of 50 do.
    static func globalDescents(batch q: Int) -> Int { min(q, max(8, q / 6)) }

    /// Candidates of a Thompson batch from the global models.
    static let thompsonCandidates = 2048

    /// The observations a region's model sees: those within twice its half-edge of the centre,
    /// filled up to the minimum and cut to the maximum by Euclidean distance to the centre.
    func localData(
        center: [Double],
        length: Double,
        unitInputs: [[Double]],
        settings: TrustRegionSettings
    ) -> [Int] {
        let n = unitInputs.count
        var distances = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = 0.0
            for j in 0..<center.count {
                let delta = unitInputs[i][j] - center[j]
                sum += delta * delta
            }
            distances[i] = sum
        }
        let order = (0..<n).sorted { distances[$0] < distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
        let inside = order.filter { TrustRegion.contains(unitInputs[$0], center: center, length: length, factor: 2) }
        let wanted = min(max(inside.count, settings.minimumLocalPoints), settings.maximumLocalPoints, n)
        return Array(order.prefix(wanted)).sorted()
    }

    /// Discrete candidates: a base point (drawn from `bases`) with each coordinate replaced, with
    /// probability `probability`, by a quasi-random value in the box; a row with nothing replaced
    /// gets `⌈d p⌉` random coordinates replaced. Returns user units (integers rounded).
    func perturbationCandidates(
        count: Int,
        bases: [[Double]],
        lower: [Double],
        upper: [Double],
        probability: Double,
        seed: UInt64
    ) -> [[Double]] {
        let d = lower.count
        var sobol = SobolSequence(dimension: d, scrambled: true, seed: seed)
        var generator = SeededGenerator(seed: seed ^ 0xC0FF_EE11)
        let forced = max(1, Int((Double(d) * probability).rounded(.up)))
        var result: [[Double]] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let u = sobol.next()
            var x = bases[Int(generator.next() % UInt64(bases.count))]
            var mask = (0..<d).map { _ in generator.nextUniform() < probability }
            if !mask.contains(true) {
                var dims = Array(0..<d)
                for i in 0..<forced {
                    let j = i + Int(generator.next() % UInt64(d - i))
                    dims.swapAt(i, j)
                    mask[dims[i]] = true
                }
            }
            for j in 0..<d where mask[j] { x[j] = lower[j] + u[j] * (upper[j] - lower[j]) }
            result.append(space.point(fromUnit: x))
        }
        return result
    }

    /// Candidates that recombine front points: a base (drawn from `bases`) takes each coordinate
    /// from a partner (drawn from `partners`, another one) with probability ½ (uniform crossover),
    /// clamped into the box. Where the front's designs share the coordinates that set how close
    /// to the front they are (as DTLZ's distance variables), a region far along the front learns
    /// them from another one. Returns user units (integers rounded).
    func recombinationCandidates(
        count: Int,
        bases: [[Double]],
        partners: [[Double]],
        lower: [Double],
        upper: [Double],
        seed: UInt64
    ) -> [[Double]] {
        let d = lower.count
        var generator = SeededGenerator(seed: seed)
        var result: [[Double]] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            var x = bases[Int(generator.next() % UInt64(bases.count))]
            let partner = partners[Int(generator.next() % UInt64(partners.count))]
            for j in 0..<d where generator.nextUniform() < 0.5 { x[j] = min(max(partner[j], lower[j]), upper[j]) }
            result.append(space.point(fromUnit: x))
        }
        return result
    }

    /// A local GP on `values` at `inputs`, inputs normalised by the region's model box.
    func fitLocal(
        _ inputs: Matrix,
        _ values: [Double],
        bounds: InputNormalization,
        seed: UInt64
    ) throws(OptimizerError)
        -> ExactGP
    {
        do {
            return try fitModel(
                inputs: inputs,
                outputs: values,
                bounds: bounds,
                restarts: trustRegion.fitRestarts,
                seed: seed
            )
        } catch {
            throw OptimizerError("fitting a trust region's local model failed: \(error)")
        }
    }

    /// Values with the worst 5% (the largest, as objectives are minimised) clipped to the 95th
    /// percentile, so that a few very poor designs do not set the local model's scale (MORBO's).
    static func winsorized(_ values: [Double]) -> [Double] {
        guard values.count >= 20 else { return values }
        let sorted = values.sorted()
        let cap = sorted[Int(0.95 * Double(sorted.count - 1))]
        return values.map { min($0, cap) }
    }
}
