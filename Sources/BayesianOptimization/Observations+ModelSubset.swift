import Pareto
import Sampling

extension Observations {
    /// The observations the global models are fitted to and conditioned on when there are more
    /// than `limit`: the best Pareto ranks of the feasible observations first (whole ranks, up to
    /// half of `limit`; the region the acquisition works in), then a seeded uniform sample of the
    /// rest, so the model still covers the space. Infeasible designs of unknown constraints are
    /// kept up to a quarter of `limit`, the most recent first.
    ///
    /// Keeps the cost of a suggestion bounded at `O(limit³)` per output however long a study runs
    /// (and its memory at `O(limit²)`), where the exact GP grows as `O(n³)`. The chosen rows keep
    /// their original order.
    ///
    /// - Complexity: `O(n log n)` for two objectives, `O(n² M)` worst case above, plus `O(n)`.
    public func modelSubset(limit: Int, seed: UInt64) -> Observations {
        guard limit > 0, count > limit || infeasibleInputs.count > limit / 4 else { return self }
        var chosen = Set<Int>()
        if count > limit {
            let feasible = (0..<count).filter { isFeasible($0) }
            if !feasible.isEmpty, let m = objectives.first?.count, m > 0 {
                let ranks = NondominatedSorting.ranks(
                    PointSet(dimension: m, coordinates: feasible.flatMap { objectives[$0] })
                )
                let order = feasible.indices.sorted { ranks[$0] != ranks[$1] ? ranks[$0] < ranks[$1] : $0 < $1 }
                var position = 0
                while position < order.count {
                    let rank = ranks[order[position]]
                    var end = position
                    while end < order.count && ranks[order[end]] == rank { end += 1 }
                    guard chosen.count + (end - position) <= limit / 2 || chosen.isEmpty else { break }
                    for k in position..<min(end, position + limit / 2) { chosen.insert(feasible[order[k]]) }
                    position = end
                }
            }
            var generator = SeededGenerator(seed: seed ^ 0x5B5E_7A11)
            var rest = (0..<count).filter { !chosen.contains($0) }
            rest.shuffle(using: &generator)
            for index in rest.prefix(limit - chosen.count) { chosen.insert(index) }
        } else {
            chosen = Set(0..<count)
        }
        let rows = chosen.sorted()
        var subset = Observations(
            inputs: rows.map { inputs[$0] },
            objectives: rows.map { objectives[$0] },
            constraints: constraints.isEmpty ? [] : rows.map { constraints[$0] },
            infeasibleInputs: Array(infeasibleInputs.suffix(max(1, limit / 4)))
        )
        if infeasibleInputs.isEmpty { subset.infeasibleInputs = [] }
        return subset
    }
}
