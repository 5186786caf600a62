import Pareto

/// Reference points for hypervolume when the user gives none.
public enum ReferencePoint {
    /// The worst observed value of each objective moved outward by `fraction` of the observed range
    /// (`max + fraction (max - min)` over every observation): the convention of the AID(2)E notes
    /// and of moocore examples, more conservative than ``inferred(from:fraction:)``.
    public static func inferredFromAll(_ objectives: [[Double]], fraction: Double = 0.1) -> [Double]? {
        guard let first = objectives.first else { return nil }
        return (0..<first.count).map { j in
            let values = objectives.map { $0[j] }
            let (low, high) = (values.min()!, values.max()!)
            return high + fraction * (high > low ? high - low : max(abs(high), 1))
        }
    }

    /// The nadir of the observed Pareto front moved outward by `fraction` of the front's range
    /// (minimisation: `nadir + fraction (nadir - ideal)`), as BoTorch's `infer_reference_point`.
    /// With a single front point, the margin is `fraction · max(|nadir|, 1)`.
    public static func inferred(from objectives: [[Double]], fraction: Double = 0.1) -> [Double]? {
        guard let set = try? PointSet(rows: objectives) else { return nil }
        let front = NondominatedSorting.nondominatedIndices(set).map { objectives[$0] }
        let m = set.dimension
        var ideal = [Double](repeating: .infinity, count: m)
        var nadir = [Double](repeating: -.infinity, count: m)
        for p in front {
            for j in 0..<m {
                ideal[j] = min(ideal[j], p[j])
                nadir[j] = max(nadir[j], p[j])
            }
        }
        return (0..<m).map { j in
            let range = nadir[j] - ideal[j]
            return nadir[j] + fraction * (range > 0 ? range : max(abs(nadir[j]), 1))
        }
    }
}
