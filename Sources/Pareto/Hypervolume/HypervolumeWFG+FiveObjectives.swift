extension HypervolumeWFG {
    /// The five-objective level of the recursion: each point's slice volume minus the 4-D
    /// hypervolume (HV4D+) of its limit set, built from the suffix front and filtered by the
    /// points' masks.
    ///
    /// The points are visited best-last-objective first; the suffix front (the points seen so far
    /// that are non-dominated in the first four objectives) is kept in ascending fourth objective.
    /// For the point `p` and a front point `f`, the mask `W(f)` is the set of objectives in which `f`
    /// is worse than `p`, and the limit point is `a = max(p, f)`. Then:
    /// - `W(f)` empty: `f` covers `p`'s slice, which adds nothing.
    /// - `W(f) = {j}`: `a` is `p` with `p_j` raised to `f_j`; the lowest such `f_j`, the threshold
    ///   `t_j`, gives the limit point `c_j` that dominates every limit point `b` with `b_j >= t_j`.
    ///   The `c_j` are never dominated (their only rivals have the same mask) and join the set.
    /// - Otherwise `max(p, g)` dominates `max(p, f)` if and only if `W(g) ⊆ W(f)` and `g <= f` on
    ///   `W(g)`, so each limit point is checked only against the kept points of its submasks.
    ///   Points without the fourth objective in their mask all sit at height `p_3`; visited by
    ///   mask (pairs before the triple) and by ascending coordinate sum, none is dominated by a
    ///   later one, and points with the fourth objective come in ascending height from the
    ///   front. Only equal heights among those (ties in the data) fall back to
    ///   ``filterSortedByFourth(_:count:)``.
    ///
    /// Complexity `O(n (h + k²))` for `n` points, suffix fronts of `h` and limit sets of `k` points.
    static func fiveObjectives(_ points: [Double], order: [Int], reference: [Double]) -> Double {
        let d = 5
        let n = order.count
        // Buffers allocated once: the suffix front; the limit points without the fourth objective
        // in their mask (a segment of n per mask) and those with it (in the front's order); the
        // limit set; per mask, the indices of its kept limit points.
        let front = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: n)
        let doomed = UnsafeMutablePointer<Bool>.allocate(capacity: n)
        let low = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: 8 * n)
        let lowCount = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        let high = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: n)
        let highMask = UnsafeMutablePointer<Int>.allocate(capacity: n)
        let limit = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: n + 4)
        let stride = n + 4
        let members = UnsafeMutablePointer<Int32>.allocate(capacity: 16 * stride)
        let memberCount = UnsafeMutablePointer<Int>.allocate(capacity: 16)
        let nodes = UnsafeMutableBufferPointer<Hypervolume4D.Node>.allocate(capacity: n + 7)
        defer {
            front.deallocate()
            doomed.deallocate()
            low.deallocate()
            lowCount.deallocate()
            high.deallocate()
            highMask.deallocate()
            limit.deallocate()
            members.deallocate()
            memberCount.deallocate()
            nodes.deallocate()
        }
        /// Whether a kept limit point of a submask of `mask` (two or more objectives) dominates `a`.
        func dominated(_ a: SIMD4<Double>, mask: Int) -> Bool {
            var s = mask
            while s != 0 {
                if s & (s - 1) != 0 {
                    var t = memberCount[s] - 1
                    while t >= 0 {
                        if all(limit[Int(members[s * stride + t])] .<= a) { return true }
                        t -= 1
                    }
                }
                s = (s - 1) & mask
            }
            return false
        }
        func keep(_ a: SIMD4<Double>, mask: Int, at index: Int) {
            limit[index] = a
            members[mask * stride + memberCount[mask]] = Int32(index)
            memberCount[mask] += 1
        }

        var frontCount = 0
        let ref4 = SIMD4(reference[0], reference[1], reference[2], reference[3])
        let noBits = SIMD4<Int64>(repeating: 0)
        let bits = SIMD4<Int64>(1, 2, 4, 8)
        var total = 0.0
        for i in order.reversed() {
            let pi = i * d
            let p = SIMD4(points[pi], points[pi + 1], points[pi + 2], points[pi + 3])
            let extent = ref4 - p
            var sliceVolume = extent[0] * extent[1] * extent[2] * extent[3]
            var anyDoomed = false
            if frontCount > 0 {
                // One pass over the front: masks, thresholds, limit points, and the front points p dominates.
                var threshold = SIMD4<Double>(repeating: .infinity)
                for mask in 0..<8 { lowCount[mask] = 0 }
                var highCount = 0
                var covered = false
                for k in 0..<frontCount {
                    let f = front[k]
                    let worse = f .> p
                    let mask = Int(noBits.replacing(with: bits, where: worse).wrappedSum())
                    if mask == 0 {
                        covered = true
                        break
                    }
                    let dominatedByP = all(f .>= p)
                    doomed[k] = dominatedByP
                    anyDoomed = anyDoomed || dominatedByP
                    if mask & (mask - 1) == 0 {
                        threshold = threshold.replacing(with: f, where: worse .& (f .< threshold))
                    } else {
                        let a = p.replacing(with: f, where: worse)
                        if mask & 8 == 0 {
                            low[mask * n + lowCount[mask]] = a
                            lowCount[mask] += 1
                        } else {
                            high[highCount] = a
                            highMask[highCount] = mask
                            highCount += 1
                        }
                    }
                }
                if covered {
                    // A point with a smaller last objective covers p's slice (and p joins no front).
                    continue
                }
                for s in 0..<16 { memberCount[s] = 0 }
                var m = 0
                for j in 0..<3 where threshold[j] < .infinity {
                    var c = p
                    c[j] = threshold[j]
                    limit[m] = c
                    m += 1
                }
                // Height p_3: by mask (the pairs 3, 5, 6, then the triple 7), each by ascending sum.
                for mask in 3...7 where mask != 4 {
                    let begin = m
                    for k in 0..<lowCount[mask] {
                        let a = low[mask * n + k]
                        if any(a .>= threshold) { continue }
                        let sum = a[0] + a[1] + a[2]
                        var position = m
                        while position > begin {
                            let b = limit[position - 1]
                            if b[0] + b[1] + b[2] <= sum { break }
                            limit[position] = b
                            position -= 1
                        }
                        limit[position] = a
                        m += 1
                    }
                    var write = begin
                    for k in begin..<m where !dominated(limit[k], mask: mask) {
                        keep(limit[k], mask: mask, at: write)
                        write += 1
                    }
                    m = write
                }
                // Greater heights (a_3 = f_3 > p_3), ascending: the front's order.
                var ties = false
                var lastHeight = -Double.infinity
                for k in 0..<highCount {
                    let a = high[k]
                    if a[3] >= threshold[3] { break }
                    if any(a .>= threshold) || dominated(a, mask: highMask[k]) { continue }
                    ties = ties || a[3] == lastHeight
                    lastHeight = a[3]
                    keep(a, mask: highMask[k], at: m)
                    m += 1
                }
                if threshold[3] < .infinity {
                    var c = p
                    c[3] = threshold[3]
                    limit[m] = c
                    m += 1
                }
                let kept = ties ? filterSortedByFourth(limit, count: m) : m
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
            // p joins the front (no front point covers it): drop the points it dominates, then
            // insert it in order of the fourth coordinate.
            var write = frontCount
            if anyDoomed {
                write = 0
                for k in 0..<frontCount where !doomed[k] {
                    front[write] = front[k]
                    write += 1
                }
            }
            var position = write
            while position > 0 && front[position - 1][3] > p[3] {
                front[position] = front[position - 1]
                position -= 1
            }
            front[position] = p
            frontCount = write + 1
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
}
