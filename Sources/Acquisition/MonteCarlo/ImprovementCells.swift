import Pareto

/// The non-dominated cells of one Monte-Carlo sample's front: disjoint boxes (lower bounds may be
/// `-∞`) whose union is `{y < r : no front point weakly dominates y}` (minimisation).
///
/// The hypervolume improvement of a point `y` is `Σ_c Π_m max(0, u_cm - max(l_cm, y_m))`, and its
/// gradient follows cell by cell. Two objectives use the closed form (cells between consecutive
/// front points); more use ``HypervolumeBoxDecomposition``.
struct ImprovementCells {
    let objectives: Int
    /// Cell bounds, `count x objectives`, row-major.
    var lower: [Double] = []
    var upper: [Double] = []

    var count: Int { lower.count / objectives }

    /// Cells of the front made of `points` (`k x M` row-major, any points: filtered here).
    init(points: [Double], objectives m: Int, reference: [Double]) {
        objectives = m
        let k = points.count / m
        // Keep the points strictly below the reference, then their non-dominated subset.
        var inside: [Double] = []
        for i in 0..<k {
            var below = true
            for j in 0..<m where !(points[i * m + j] < reference[j]) { below = false }
            if below { inside += points[(i * m)..<((i + 1) * m)] }
        }
        let set = PointSet(dimension: m, coordinates: inside)
        let front = set.count == 0 ? [] : NondominatedSorting.nondominatedIndices(set).map { set.point($0) }
        if m == 2 {
            let sorted = front.sorted { $0[0] < $1[0] }
            var previousX = -Double.infinity
            var previousY = reference[1]
            for p in sorted {
                lower += [previousX, -.infinity]
                upper += [p[0], previousY]
                previousX = p[0]
                previousY = p[1]
            }
            lower += [previousX, -.infinity]
            upper += [reference[0], previousY]
            return
        }
        guard let decomposition = try? HypervolumeBoxDecomposition(reference: reference) else { return }
        var filled = decomposition
        for p in front { filled.insert(p) }
        for box in filled.nondominatedBoxes() {
            lower += box.lower
            upper += box.upper
        }
    }

    /// The hypervolume improvement of `y`; when `gradient` is given, adds `∂HVI/∂y_m` to it.
    @inline(__always)
    func improvement(_ y: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>?) -> Double {
        let m = objectives
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { widths in
            var total = 0.0
            lower.withUnsafeBufferPointer { lo in
                upper.withUnsafeBufferPointer { up in
                    var offset = 0
                    for _ in 0..<count {
                        defer { offset += m }
                        var volume = 1.0
                        var positive = true
                        for j in 0..<m {
                            let l = lo[offset + j]
                            let width = up[offset + j] - (y[j] > l ? y[j] : l)
                            if !(width > 0) {
                                positive = false
                                break
                            }
                            widths[j] = width
                            volume *= width
                        }
                        guard positive else { continue }
                        total += volume
                        if let gradient {
                            for j in 0..<m where y[j] > lo[offset + j] { gradient[j] -= volume / widths[j] }
                        }
                    }
                }
            }
            return total
        }
    }

    /// The squared distance from `y` to the improvement region (0 inside); adds its gradient.
    func squaredGap(_ y: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>?) -> Double {
        let m = objectives
        var best = Double.infinity
        var bestCell = -1
        upper.withUnsafeBufferPointer { up in
            for c in 0..<count {
                var gap = 0.0
                for j in 0..<m {
                    let excess = y[j] - up[c * m + j]
                    if excess > 0 { gap += excess * excess }
                }
                if gap < best {
                    best = gap
                    bestCell = c
                    if gap == 0 { break }
                }
            }
        }
        if let gradient, bestCell >= 0 {
            for j in 0..<m {
                let excess = y[j] - upper[bestCell * m + j]
                if excess > 0 { gradient[j] += 2 * excess }
            }
        }
        return best
    }
}
