import Memberwise

/// Hypervolume in any number of objectives by the WFG recursion (While, Bradstreet & Barone 2012).
///
/// With the points sorted by the last objective, worst first, the hypervolume is the sum of each
/// point's exclusive contribution against the points after it:
/// `HV(S) = Σ_i (r_d - p_i,d) · [box(p_i) - HV_{d-1}(nd(limit_i))]` in the first `d - 1` objectives,
/// where `limit_i = {max(p_i, p_j) : j > i}` (all limit points share `p_i`'s last objective, so the
/// set lives in one slice). Limit sets are filtered to their non-dominated points before recursing,
/// which keeps them small; four objectives end in the `O(n²)` HV4D+ sweep, and five have a level of
/// their own (`fiveObjectives`, in `HypervolumeWFG+FiveObjectives.swift`).
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
