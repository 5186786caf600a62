import Memberwise

/// Hypervolume in any number of objectives by the WFG recursion (While, Bradstreet & Barone 2012).
///
/// With the points sorted by the last objective, worst first, the hypervolume is the sum of each
/// point's exclusive contribution against the points after it:
/// `HV(S) = Σ_i (r_d - p_i,d) · [box(p_i) - HV_{d-1}(nd(limit_i))]` in the first `d - 1` objectives,
/// where `limit_i = {max(p_i, p_j) : j > i}` (all limit points share `p_i`'s last objective, so the
/// set lives in one slice). Limit sets are filtered to their non-dominated points before recursing,
/// which keeps them small; four objectives end in the `O(n²)` HV4D+ sweep.
@MemberwiseInit
public struct HypervolumeWFG: HypervolumeAlgorithm {
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
        if e == 4 { return fiveObjectives(points, order: order, reference: reference) }
        var total = 0.0
        var limit = [Double](repeating: 0, count: n * e)
        for (k, i) in order.enumerated() {
            let pi = i * d
            var box = 1.0
            for j in 0..<e { box *= reference[j] - points[pi + j] }
            // Limit set of the later points, projected on the first d-1 objectives.
            var m = 0
            for l in order[(k + 1)...] {
                let pl = l * d
                for j in 0..<e { limit[m * e + j] = max(points[pi + j], points[pl + j]) }
                m += 1
            }
            var sliceVolume = box
            if m > 0 {
                let filtered = nondominated(limit, count: m, dimension: e)
                sliceVolume -= recurse(filtered.points, count: filtered.count, dimension: e, reference: reference)
            }
            total += (reference[last] - points[pi + last]) * sliceVolume
        }
        return total
    }

    /// The five-objective level of the recursion, with two savings: the limit sets are built only
    /// from the non-dominated (in the first four objectives) points of the suffix, kept incrementally
    /// while the points are visited best-last-objective first, in ascending fourth objective so the
    /// limit points come out in the order HV4D+ sweeps; and each limit set is filtered before HV4D+.
    static func fiveObjectives(_ points: [Double], order: [Int], reference: [Double]) -> Double {
        let d = 5
        let n = order.count
        // Suffix front sorted by the fourth coordinate, and the limit-set buffer: allocated once.
        let front = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: n)
        let limit = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: n + 4)
        let nodes = UnsafeMutableBufferPointer<Hypervolume4D.Node>.allocate(capacity: n + 7)
        defer {
            front.deallocate()
            limit.deallocate()
            nodes.deallocate()
        }
        var frontCount = 0
        let ref4 = SIMD4(reference[0], reference[1], reference[2], reference[3])
        var total = 0.0
        for i in order.reversed() {
            let pi = i * d
            let p = SIMD4(points[pi], points[pi + 1], points[pi + 2], points[pi + 3])
            let extent = ref4 - p
            var sliceVolume = extent[0] * extent[1] * extent[2] * extent[3]
            if frontCount > 0 {
                // A suffix point g no worse than p in three of the four objectives gives the limit
                // point c_j = p with p_j raised to max(p_j, g_j) =: t_j, which dominates every limit
                // point a with a_j >= t_j. The four thresholds screen most limit points with four
                // comparisons; the c_j join the limit set (c_0..c_2 at height p_3, first; c_3 last).
                var threshold = SIMD4<Double>(repeating: .infinity)
                var covered = false
                let indices = SIMD4<Double>(0, 1, 2, 3)
                for k in 0..<frontCount {
                    let f = front[k]
                    let worse = SIMD4<Double>(repeating: 0).replacing(with: 1, where: f .> p)
                    let count = worse.sum()
                    if count == 0 {
                        covered = true  // f weakly dominates p in the first four objectives
                        break
                    }
                    if count == 1 {
                        let only = Int((worse * indices).sum())
                        threshold[only] = min(threshold[only], f[only])
                    }
                }
                if covered {
                    // p's slice is covered by a point with a smaller last objective: no contribution.
                    continue
                }
                var m = 0
                for j in 0..<3 where threshold[j] < .infinity {
                    var c = p
                    c[j] = threshold[j]
                    limit[m] = c
                    m += 1
                }
                for k in 0..<frontCount {
                    let f = front[k]
                    if f[3] >= threshold[3] { break }
                    let a = pointwiseMax(p, f)
                    if any(a .>= threshold) { continue }
                    limit[m] = a
                    m += 1
                }
                if threshold[3] < .infinity {
                    var c = p
                    c[3] = threshold[3]
                    limit[m] = c
                    m += 1
                }
                let kept = filterSortedByFourth(limit, count: m)
                sliceVolume -= UnsafeRawPointer(limit).withMemoryRebound(to: Double.self, capacity: kept * 4) {
                    Hypervolume4D.hypervolume(
                        $0,
                        count: kept,
                        stride: 4,
                        reference: reference,
                        sortedByW: true,
                        workspace: nodes
                    )
                }
            }
            total += (reference[4] - points[pi + 4]) * sliceVolume
            // Add p to the suffix front unless a front point weakly dominates it.
            var dominated = false
            for k in 0..<frontCount where all(front[k] .<= p) {
                dominated = true
                break
            }
            if !dominated {
                // Drop the front points p dominates, then insert p in order of the fourth coordinate.
                var write = 0
                for k in 0..<frontCount where !all(p .<= front[k]) {
                    front[write] = front[k]
                    write += 1
                }
                var position = write
                while position > 0 && front[position - 1][3] > p[3] {
                    front[position] = front[position - 1]
                    position -= 1
                }
                front[position] = p
                frontCount = write + 1
            }
        }
        return total
    }

    /// Compacts 4-D points sorted by their fourth coordinate to their non-dominated ones, in the
    /// same order, in place; returns how many remain at the front of the buffer.
    ///
    /// In that order a point can only be dominated by an earlier one or by a later one with the same
    /// fourth coordinate, so each point is checked against the front kept so far (newest first, one
    /// SIMD compare per test), and a kept point removes the kept points of equal fourth coordinate it dominates.
    static func filterSortedByFourth(_ p: UnsafeMutablePointer<SIMD4<Double>>, count n: Int) -> Int {
        var kept = 0
        var lastDominator = 0
        for i in 0..<n {
            let a = p[i]
            if lastDominator < kept && all(p[lastDominator] .<= a) { continue }
            // Newest first: the latest kept points dominate most often.
            var dominated = false
            var k = kept - 1
            while k >= 0 {
                if all(p[k] .<= a) {
                    dominated = true
                    lastDominator = k
                    break
                }
                k -= 1
            }
            if dominated { continue }
            // Kept points with the same fourth coordinate sit at the end; drop those a dominates.
            var start = kept
            while start > 0 && p[start - 1][3] == a[3] { start -= 1 }
            var write = start
            for k in start..<kept where !all(a .<= p[k]) {
                p[write] = p[k]
                write += 1
            }
            p[write] = a
            kept = write + 1
        }
        return kept
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
