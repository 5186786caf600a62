/// Exclusive hypervolume contributions: `hvc(p) = HV(S) - HV(S \ {p})`.
///
/// Every copy of a duplicated point and every dominated point contributes 0, as does a point that
/// does not strictly dominate the reference. By default the definition is exact: a dominated point
/// stays in the set and shrinks the contribution of the point that dominates it. With
/// `ignoringDominated` (moocore's `hv_contributions` default) dominated points are removed first.
///
/// Two objectives: one sweep, `O(n log n)`. More: each point's contribution is its box minus the
/// hypervolume of its limit set `{max(p, q) : q ≠ p}` (filtered to its non-dominated points), so
/// `n` hypervolumes of at most `n - 1` points, `O(n² log n)` for three objectives.
public enum HypervolumeContributions {
    /// The exclusive contribution of every point, in input order.
    public static func exclusive(
        _ points: PointSet,
        reference: [Double],
        ignoringDominated: Bool = false
    ) throws(ParetoError) -> [Double] {
        try points.validate(reference: reference)
        let n = points.count
        let d = points.dimension
        var result = [Double](repeating: 0, count: n)
        var candidates = points.indicesStrictlyBelow(reference)
        if ignoringDominated {
            let subset = points.selecting(candidates)
            let mask = NondominatedSorting.nondominatedMask(subset, keepingDuplicates: true)
            candidates = candidates.enumerated().compactMap { mask[$0.offset] ? $0.element : nil }
        }
        if candidates.isEmpty { return result }
        let set = points.selecting(candidates)
        let m = set.count
        if d == 1 {
            let values = set.coordinates
            let best = values.min()!
            let second = values.filter { $0 > best }.min() ?? reference[0]
            if values.filter({ $0 == best }).count == 1, let k = values.firstIndex(of: best) {
                result[candidates[k]] = second - best
            }
            return result
        }
        if d == 2 {
            let local = contributions2D(set, reference: reference)
            for k in 0..<m { result[candidates[k]] = local[k] }
            return result
        }
        var limit = [Double](repeating: 0, count: (m - 1) * d)
        set.coordinates.withUnsafeBufferPointer { c in
            for k in 0..<m {
                var box = 1.0
                for j in 0..<d { box *= reference[j] - c[k * d + j] }
                var row = 0
                for l in 0..<m where l != k {
                    for j in 0..<d { limit[row * d + j] = max(c[k * d + j], c[l * d + j]) }
                    row += 1
                }
                let filtered = HypervolumeWFG.nondominated(limit, count: m - 1, dimension: d)
                let shadow = HypervolumeWFG.recurse(
                    filtered.points,
                    count: filtered.count,
                    dimension: d,
                    reference: reference
                )
                result[candidates[k]] = max(box - shadow, 0)
            }
        }
        return result
    }

    /// Exact contributions in two objectives by one sweep (points all strictly below the reference).
    ///
    /// Sorted by `(x, y)`, a non-dominated point's exclusive region is the rectangle up to the next
    /// staircase point in `x` and the previous one in `y`, minus whatever dominated points it alone
    /// dominates still cover: those lie in its rectangle and are handled by a 2-D hypervolume there.
    static func contributions2D(_ set: PointSet, reference: [Double]) -> [Double] {
        let n = set.count
        let c = set.coordinates
        var result = [Double](repeating: 0, count: n)
        let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in
            let xa = c[2 * a]
            let xb = c[2 * b]
            if xa != xb { return xa < xb }
            return c[2 * a + 1] < c[2 * b + 1]
        }
        // Staircase: strictly increasing x, strictly decreasing y; duplicates of a step are noted.
        var steps: [Int] = []
        var duplicated: [Bool] = []
        var dominatedOf: [[Int]] = []  // dominated points by the step they fall under
        for i in order {
            let y = c[2 * i + 1]
            if let last = steps.last {
                let ly = c[2 * last + 1]
                if c[2 * i] == c[2 * last] && y == ly {
                    duplicated[steps.count - 1] = true
                    continue
                }
                if y >= ly {
                    dominatedOf[steps.count - 1].append(i)  // dominated; which step is fixed below
                    continue
                }
            }
            steps.append(i)
            duplicated.append(false)
            dominatedOf.append([])
        }
        // A dominated point recorded under step s may lie under an earlier step too; it only cuts
        // step t's region if it falls in t's rectangle, which is checked per step below.
        var pending: [Int] = dominatedOf.flatMap { $0 }
        pending.sort { c[2 * $0] < c[2 * $1] }
        for (s, i) in steps.enumerated() where !duplicated[s] {
            let x = c[2 * i]
            let y = c[2 * i + 1]
            let right = s + 1 < steps.count ? c[2 * steps[s + 1]] : reference[0]
            let top = s > 0 ? c[2 * steps[s - 1] + 1] : reference[1]
            var area = (right - x) * (top - y)
            // Dominated points inside [x, right) x [y, top) that only this step dominates.
            // The x-ranges [x, right) of the steps partition the line: each dominated point is
            // looked at by one step only (binary search for the first one at or right of x).
            var inside: [Double] = []
            var low = 0
            var high = pending.count
            while low < high {
                let mid = (low + high) / 2
                if c[2 * pending[mid]] < x { low = mid + 1 } else { high = mid }
            }
            for q in pending[low...] {
                let qx = c[2 * q]
                let qy = c[2 * q + 1]
                if qx >= right { break }
                if qy >= y && qy < top { inside += [qx, qy] }
            }
            if !inside.isEmpty {
                area -= inside.withUnsafeBufferPointer {
                    Hypervolume2D.hypervolume(
                        $0.baseAddress!,
                        count: inside.count / 2,
                        stride: 2,
                        referenceX: right,
                        referenceY: top
                    )
                }
            }
            result[i] = max(area, 0)
        }
        return result
    }
}
