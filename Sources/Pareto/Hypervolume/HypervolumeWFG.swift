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
        var suffixFront: [SIMD4<Double>] = []  // sorted by the fourth coordinate
        var limit: [SIMD4<Double>] = []
        var total = 0.0
        for i in order.reversed() {
            let pi = i * d
            let p = SIMD4(points[pi], points[pi + 1], points[pi + 2], points[pi + 3])
            let extent = SIMD4(reference[0], reference[1], reference[2], reference[3]) - p
            var sliceVolume = extent[0] * extent[1] * extent[2] * extent[3]
            if !suffixFront.isEmpty {
                // A suffix point no worse than p in the first three objectives gives the limit point
                // (p0, p1, p2, f3), which dominates every limit point from f3 on: the sweep stops there.
                let head = SIMD3(p[0], p[1], p[2])
                var cut = Double.infinity
                for f in suffixFront where f[3] < cut && all(SIMD3(f[0], f[1], f[2]) .<= head) { cut = f[3] }
                limit.removeAll(keepingCapacity: true)
                for f in suffixFront {
                    if f[3] >= cut { break }
                    limit.append(pointwiseMax(p, f))
                }
                if cut < .infinity { limit.append(SIMD4(p[0], p[1], p[2], max(p[3], cut))) }
                let kept = filterSortedByFourth(&limit)
                sliceVolume -= limit.withUnsafeBufferPointer { buffer in
                    UnsafeRawPointer(buffer.baseAddress!).withMemoryRebound(to: Double.self, capacity: kept * 4) {
                        Hypervolume4D.hypervolume($0, count: kept, stride: 4, reference: reference, sortedByW: true)
                    }
                }
            }
            total += (reference[4] - points[pi + 4]) * sliceVolume
            // Add p to the suffix front.
            if !suffixFront.contains(where: { all($0 .<= p) }) {
                suffixFront.removeAll { all(p .<= $0) }
                var low = 0
                var high = suffixFront.count
                while low < high {
                    let mid = (low + high) / 2
                    if suffixFront[mid][3] <= p[3] { low = mid + 1 } else { high = mid }
                }
                suffixFront.insert(p, at: low)
            }
        }
        return total
    }

    /// Compacts 4-D points sorted by their fourth coordinate to their non-dominated ones, in the
    /// same order, in place; returns how many remain at the front of `points`.
    ///
    /// In that order a point can only be dominated by an earlier one or by a later one with the same
    /// fourth coordinate, so each point is checked against the front kept so far (in an order that
    /// moves successful dominators forward: a few kept points dominate most limit points), and a kept
    /// point removes the kept points of equal fourth coordinate that it dominates.
    static func filterSortedByFourth(_ points: inout [SIMD4<Double>]) -> Int {
        var probe: [Int32] = []  // kept indices in checking order (move-to-front on a hit)
        probe.reserveCapacity(64)
        return points.withUnsafeMutableBufferPointer { p in
            var kept = 0
            for i in 0..<p.count {
                let a = p[i]
                var dominated = false
                for t in 0..<probe.count where all(p[Int(probe[t])] .<= a) {
                    dominated = true
                    if t > 0 { probe.swapAt(t, t / 2) }
                    break
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
                let removed = write < kept
                kept = write + 1
                if removed {
                    probe = (0..<Int32(kept)).map { $0 }
                } else {
                    probe.append(Int32(kept - 1))
                }
            }
            return kept
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
