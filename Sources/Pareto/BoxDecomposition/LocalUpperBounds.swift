/// The local upper bounds of a point set: the search region `{x < r : no point weakly dominates x}`
/// is the union of `{x < u}` over the bounds `u` (Klamroth, Lacour & Vanderpooten 2015).
///
/// Each bound `u` keeps one defining point per objective `k` (a point `z` with `z_k = u_k`;
/// initially the dummy `ẑᵏ` with `r_k` in objective `k` and `-∞` elsewhere). Adding a point `z`
/// replaces every bound it lies strictly below by at most `m` children `u` with `u_j := z_j`, kept
/// when `z_j >= max_{k≠j} Zᵏ(u)_j` (the `>=` keeps ties exact; redundant bounds only give empty boxes).
///
/// Storage is flat: bound `b`'s coordinates at `bounds[b*m ..< (b+1)*m]`, its defining point for
/// objective `k` at `definers[(b*m + k)*m ..< (b*m + k + 1)*m]`.
struct LocalUpperBounds: Sendable {
    let dimension: Int
    let reference: [Double]
    private(set) var bounds: [Double]
    private(set) var definers: [Double]

    var count: Int { bounds.count / dimension }

    init(reference: [Double]) {
        let m = reference.count
        dimension = m
        self.reference = reference
        bounds = reference
        definers = [Double](repeating: -.infinity, count: m * m)
        for k in 0..<m { definers[k * m + k] = reference[k] }
    }

    /// Adds a point; a point that lies strictly below no bound (dominated, or on the boundary) changes nothing.
    ///
    /// - Complexity: `O(|U| m)` to find the bounds above `z`, `O(|A| m²)` to replace them.
    mutating func insert(_ z: [Double]) {
        let m = dimension
        let mm = m * m
        let oldCount = count
        // The bounds z lies strictly below are replaced: copy them out, compact the rest in place.
        var replacedBounds: [Double] = []
        var replacedDefiners: [Double] = []
        var write = 0
        bounds.withUnsafeMutableBufferPointer { u in
            definers.withUnsafeMutableBufferPointer { zs in
                for b in 0..<oldCount {
                    var below = true
                    for j in 0..<m where !(z[j] < u[b * m + j]) {
                        below = false
                        break
                    }
                    if below {
                        replacedBounds.append(contentsOf: u[(b * m)..<((b + 1) * m)])
                        replacedDefiners.append(contentsOf: zs[(b * mm)..<((b + 1) * mm)])
                        continue
                    }
                    if write != b {
                        for j in 0..<m { u[write * m + j] = u[b * m + j] }
                        for l in 0..<mm { zs[write * mm + l] = zs[b * mm + l] }
                    }
                    write += 1
                }
            }
        }
        guard !replacedBounds.isEmpty else { return }
        bounds.removeSubrange((write * m)...)
        definers.removeSubrange((write * mm)...)
        for r in 0..<(replacedBounds.count / m) {
            for j in 0..<m {
                var largest = -Double.infinity
                for k in 0..<m where k != j { largest = max(largest, replacedDefiners[r * mm + k * m + j]) }
                guard z[j] >= largest else { continue }
                for l in 0..<m { bounds.append(l == j ? z[j] : replacedBounds[r * m + l]) }
                for k in 0..<m {
                    for l in 0..<m { definers.append(k == j ? z[l] : replacedDefiners[r * mm + k * m + l]) }
                }
            }
        }
    }

    /// Boxes `[lower, upper]` that partition the region dominated by the inserted points and bounded
    /// by the reference (Lacour, Klamroth & Fonseca 2017, eq. 2): for bound `u`,
    /// `[u_1, r_1] x Π_{j≥2} [max_{k<j} Zᵏ(u)_j, u_j]`; empty boxes are dropped.
    func dominatedBoxes() -> (lower: [Double], upper: [Double]) {
        let m = dimension
        var lower: [Double] = []
        var upper: [Double] = []
        for b in 0..<count {
            var lo = [Double](repeating: 0, count: m)
            var hi = [Double](repeating: 0, count: m)
            lo[0] = bounds[b * m]
            hi[0] = reference[0]
            var empty = !(hi[0] > lo[0])
            var j = 1
            while !empty && j < m {
                var largest = -Double.infinity
                for k in 0..<j { largest = max(largest, definers[(b * m + k) * m + j]) }
                lo[j] = largest
                hi[j] = bounds[b * m + j]
                empty = !(hi[j] > lo[j])
                j += 1
            }
            if !empty {
                lower += lo
                upper += hi
            }
        }
        return (lower, upper)
    }
}
