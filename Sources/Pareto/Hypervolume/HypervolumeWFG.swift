/// Hypervolume in any number of objectives by the WFG recursion (While, Bradstreet & Barone 2012).
///
/// With the points sorted by the last objective, worst first, the hypervolume is the sum of each
/// point's exclusive contribution against the points after it:
/// `HV(S) = Σ_i (r_d - p_i,d) · [box(p_i) - HV_{d-1}(nd(limit_i))]` in the first `d - 1` objectives,
/// where `limit_i = {max(p_i, p_j) : j > i}` (all limit points share `p_i`'s last objective, so the
/// set lives in one slice). Limit sets are filtered to their non-dominated points before recursing,
/// which keeps them small; four objectives end in the `O(n²)` HV4D+ sweep.
public struct HypervolumeWFG: HypervolumeAlgorithm {
    public init() {}
    public var name: String { "wfg" }
    public func supports(dimension: Int) -> Bool { dimension >= 2 }

    public func hypervolume(of points: PointSet, reference: [Double]) -> Double {
        Self.recurse(points.coordinates, count: points.count, dimension: points.dimension, reference: reference)
    }

    /// The hypervolume of `count` points of `dimension` coordinates (row-major in `points`).
    static func recurse(_ points: [Double], count n: Int, dimension d: Int, reference: [Double]) -> Double {
        if n == 0 { return 0 }
        if n == 1 {
            var volume = 1.0
            for j in 0..<d { volume *= reference[j] - points[j] }
            return volume
        }
        if d == 2 {
            return points.withUnsafeBufferPointer {
                Hypervolume2D.hypervolume(
                    $0.baseAddress!,
                    count: n,
                    stride: 2,
                    referenceX: reference[0],
                    referenceY: reference[1]
                )
            }
        }
        if d == 3 {
            return points.withUnsafeBufferPointer {
                Hypervolume3D.hypervolume($0.baseAddress!, count: n, stride: 3, reference: reference)
            }
        }
        if d == 4 {
            return points.withUnsafeBufferPointer {
                Hypervolume4D.hypervolume($0.baseAddress!, count: n, stride: 4, reference: reference)
            }
        }
        let last = d - 1
        let e = d - 1  // dimension of the slices
        // Worst (largest) last objective first.
        let order = (0..<n).sorted { points[$0 * d + last] > points[$1 * d + last] }
        // For 4-D slices: the limit points in ascending order of their fourth coordinate come for free
        // from one global order, since max(p_i, p_j) is monotone in p_j along it.
        var positionInOrder = [Int](repeating: 0, count: n)
        for (k, i) in order.enumerated() { positionInOrder[i] = k }
        let byFourth = e == 4 ? (0..<n).sorted { points[$0 * d + 3] < points[$1 * d + 3] } : []
        var total = 0.0
        var limit = [Double](repeating: 0, count: n * e)
        for (k, i) in order.enumerated() {
            let pi = i * d
            var box = 1.0
            for j in 0..<e { box *= reference[j] - points[pi + j] }
            // Limit set of the later points, projected on the first d-1 objectives.
            var m = 0
            if e == 4 {
                for l in byFourth where positionInOrder[l] > k {
                    let pl = l * d
                    for j in 0..<e { limit[m * e + j] = max(points[pi + j], points[pl + j]) }
                    m += 1
                }
            } else {
                for l in order[(k + 1)...] {
                    let pl = l * d
                    for j in 0..<e { limit[m * e + j] = max(points[pi + j], points[pl + j]) }
                    m += 1
                }
            }
            var sliceVolume = box
            if m > 0 {
                if e == 4 {
                    // Limit sets are large but their fronts small: filter first (keeping the order
                    // by the fourth coordinate), then HV4D+ on the front.
                    let kept = filterSortedByFourth(&limit, count: m)
                    sliceVolume -= limit.withUnsafeBufferPointer {
                        Hypervolume4D.hypervolume($0.baseAddress!, count: kept, stride: 4, reference: reference, sortedByW: true)
                    }
                } else {
                    let filtered = nondominated(limit, count: m, dimension: e)
                    sliceVolume -= recurse(filtered.points, count: filtered.count, dimension: e, reference: reference)
                }
            }
            total += (reference[last] - points[pi + last]) * sliceVolume
        }
        return total
    }

    /// Compacts `count` 4-D points sorted by their fourth coordinate to their non-dominated ones,
    /// in the same order, and returns how many remain.
    ///
    /// In that order a point can only be dominated by an earlier one or by a later one with the same
    /// fourth coordinate, so each point is checked against the front kept so far, and a kept point
    /// removes the kept points of equal fourth coordinate that it dominates.
    static func filterSortedByFourth(_ points: inout [Double], count n: Int) -> Int {
        points.withUnsafeMutableBufferPointer { buffer in
            let p = buffer.baseAddress!
            // The front so far as SIMD vectors: one vector compare per dominance test.
            var front: [SIMD4<Double>] = []
            front.reserveCapacity(64)
            var lastDominator = 0
            for i in 0..<n {
                let a = SIMD4(p[i * 4], p[i * 4 + 1], p[i * 4 + 2], p[i * 4 + 3])
                // The last dominator is checked first: consecutive limit points tend to share it.
                if lastDominator < front.count && all(front[lastDominator] .<= a) { continue }
                var dominated = false
                for (k, b) in front.enumerated() where all(b .<= a) {
                    dominated = true
                    lastDominator = k
                    break
                }
                if dominated { continue }
                // Equal fourth coordinates: the new point may dominate kept ones (they sit at the end).
                while let last = front.last, last[3] == a[3], all(a .<= last) { front.removeLast() }
                if front.count > 1, front[front.count - 1][3] == a[3] {
                    front.removeAll { $0[3] == a[3] && all(a .<= $0) }
                }
                front.append(a)
            }
            for (k, v) in front.enumerated() {
                p[k * 4] = v[0]
                p[k * 4 + 1] = v[1]
                p[k * 4 + 2] = v[2]
                p[k * 4 + 3] = v[3]
            }
            return front.count
        }
    }

    /// The non-dominated points (first copies) among `count` row-major points.
    static func nondominated(_ points: [Double], count n: Int, dimension d: Int) -> (points: [Double], count: Int) {
        let set = PointSet(dimension: d, coordinates: Array(points[0..<(n * d)]))
        let mask = NondominatedSorting.nondominatedMask(set)
        var result: [Double] = []
        result.reserveCapacity(n * d)
        var kept = 0
        for i in 0..<n where mask[i] {
            result += points[(i * d)..<((i + 1) * d)]
            kept += 1
        }
        return (result, kept)
    }
}
