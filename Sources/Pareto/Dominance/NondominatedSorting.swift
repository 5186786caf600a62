/// Non-dominated filtering and sorting (minimisation).
///
/// Points are first sorted lexicographically; a point can then only be dominated by points before
/// it. Two objectives: one sweep, `O(n log n)`. Three: a sweep over the first objective keeping the
/// two-dimensional front of the others in a balanced tree, `O(n log n)`. More: each point is
/// checked against the front found so far, `O(n |F| d)` (the Kung–Luccio–Preparata observation that
/// only earlier points can dominate later ones in lexicographic order).
///
/// Conventions follow moocore: dominance is strict in at least one objective; exact duplicates of
/// a non-dominated point are all kept with `keepingDuplicates`, otherwise only the first copy.
public enum NondominatedSorting {
    /// For each point, whether it is non-dominated.
    ///
    /// - Parameters:
    ///   - points: the set, all objectives minimised.
    ///   - keepingDuplicates: keep every copy of a duplicated non-dominated point (moocore's
    ///     `keep_weakly=True`); by default only the first (lowest index) copy is kept.
    /// - Complexity: `O(n log n)` for two or three objectives.
    public static func nondominatedMask(_ points: PointSet, keepingDuplicates: Bool = false) -> [Bool] {
        let n = points.count
        let d = points.dimension
        if n == 0 { return [] }
        let order = lexicographicOrder(points)
        var mask = [Bool](repeating: false, count: n)
        points.coordinates.withUnsafeBufferPointer { c in
            let base = c.baseAddress!
            func isDuplicate(_ a: Int, _ b: Int) -> Bool {
                for j in 0..<d where base[a * d + j] != base[b * d + j] { return false }
                return true
            }
            switch d {
            case 1:
                let best = base[order[0]]
                for i in order where base[i] == best { mask[i] = true }
                if !keepingDuplicates { for i in order.dropFirst() { mask[i] = false } }
            case 2:
                // Lexicographic order: earlier points have x <= current x.
                var bestIndex = -1
                for i in order {
                    let y = base[i * 2 + 1]
                    if bestIndex < 0 || y < base[bestIndex * 2 + 1] {
                        mask[i] = true
                        bestIndex = i
                    } else if y == base[bestIndex * 2 + 1] && base[bestIndex * 2] == base[i * 2] {
                        mask[i] = keepingDuplicates  // an exact copy of the current best
                    }
                }
            case 3:
                // Lexicographic sweep; the (y, z) front of the points seen is a RankSet over ranks in
                // (y, z, sweep position) order, so an earlier point that weakly dominates in (y, z)
                // (and so in all three) is the predecessor of the new point's rank.
                var sweepPosition = [Int](repeating: 0, count: n)
                for (k, i) in order.enumerated() { sweepPosition[i] = k }
                let byY = (0..<n).sorted { a, b in
                    let ya = base[a * 3 + 1]
                    let yb = base[b * 3 + 1]
                    if ya != yb { return ya < yb }
                    let za = base[a * 3 + 2]
                    let zb = base[b * 3 + 2]
                    if za != zb { return za < zb }
                    return sweepPosition[a] < sweepPosition[b]
                }
                var rankOf = [Int](repeating: 0, count: n)
                for (r, i) in byY.enumerated() { rankOf[i] = r }
                var front = RankSet(capacity: n)
                for i in order {
                    let r = rankOf[i]
                    let z = base[i * 3 + 2]
                    if let left = front.predecessor(r), base[byY[left] * 3 + 2] <= z {
                        if mask[byY[left]] && isDuplicate(byY[left], i) { mask[i] = keepingDuplicates }
                        continue
                    }
                    var right = front.successor(r + 1)
                    while let s = right, base[byY[s] * 3 + 2] >= z {
                        front.remove(s)
                        right = front.successor(s + 1)
                    }
                    front.insert(r)
                    mask[i] = true
                }
            default:
                var front: [Int] = []
                for i in order {
                    var dominated = false
                    var duplicate = false
                    for f in front {
                        if Dominance.dominates(base + f * d, base + i * d, dimension: d) {
                            dominated = true
                            break
                        }
                        if !duplicate && isDuplicate(f, i) { duplicate = true }
                    }
                    if dominated { continue }
                    if duplicate {
                        mask[i] = keepingDuplicates
                    } else {
                        mask[i] = true
                        front.append(i)
                    }
                }
            }
        }
        return mask
    }

    /// Indices of the non-dominated points (first copy of duplicates), in input order.
    public static func nondominatedIndices(_ points: PointSet) -> [Int] {
        nondominatedMask(points).enumerated().compactMap { $0.element ? $0.offset : nil }
    }

    /// The Pareto rank of every point, 0 for the non-dominated ones (moocore's `pareto_rank`).
    ///
    /// Exact duplicates share a rank. Two objectives: `O(n log n)` by a sweep that places each point
    /// on the first front not dominating it; more: fronts are peeled one at a time.
    public static func ranks(_ points: PointSet) -> [Int] {
        let n = points.count
        let d = points.dimension
        if n == 0 { return [] }
        var ranks = [Int](repeating: 0, count: n)
        if d == 2 {
            let order = lexicographicOrder(points)
            // Per front: the last (lexicographically largest) point placed on it, which has its lowest y.
            var lastOfFront: [Int] = []
            points.coordinates.withUnsafeBufferPointer { c in
                func dominatedBy(front f: Int, _ i: Int) -> Bool {
                    let q = lastOfFront[f]
                    let qy = c[q * 2 + 1]
                    let y = c[i * 2 + 1]
                    return qy < y || (qy == y && c[q * 2] < c[i * 2])
                }
                for i in order {
                    // Fronts are ordered: if front f dominates i, so does every front before it.
                    var low = 0
                    var high = lastOfFront.count
                    while low < high {
                        let mid = (low + high) / 2
                        if dominatedBy(front: mid, i) { low = mid + 1 } else { high = mid }
                    }
                    ranks[i] = low
                    if low == lastOfFront.count { lastOfFront.append(i) } else { lastOfFront[low] = i }
                }
            }
            return ranks
        }
        var remaining = Array(0..<n)
        var rank = 0
        while !remaining.isEmpty {
            let subset = points.selecting(remaining)
            let mask = nondominatedMask(subset, keepingDuplicates: true)
            var next: [Int] = []
            for (k, i) in remaining.enumerated() {
                if mask[k] { ranks[i] = rank } else { next.append(i) }
            }
            remaining = next
            rank += 1
        }
        return ranks
    }

    /// Point indices sorted lexicographically by their objectives (ties by index).
    static func lexicographicOrder(_ points: PointSet) -> [Int] {
        let d = points.dimension
        return points.coordinates.withUnsafeBufferPointer { c in
            Array(0..<points.count).sorted { a, b in
                for j in 0..<d {
                    let u = c[a * d + j]
                    let v = c[b * d + j]
                    if u != v { return u < v }
                }
                return a < b
            }
        }
    }
}
