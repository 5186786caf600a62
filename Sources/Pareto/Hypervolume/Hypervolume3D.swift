import Memberwise

/// Three-objective hypervolume by a sweep over the third objective (the HV3D class).
///
/// Points are visited in increasing third objective; the two-dimensional front of the points seen
/// so far is a ``RankSet`` over the points' ranks in `(x, y, z)` order, so the entry just left of a
/// new point and the entries it covers are found with a few word operations. The dominated area is
/// updated from the new point's neighbours and the entries it removes (each point is removed at most
/// once), and the volume grows by the area times the gap to the next point's third objective.
///
/// - Complexity: `O(n log n)` for the two sorts, then `O(n log₆₄ n)`.
@MemberwiseInit
public struct Hypervolume3D: HypervolumeAlgorithm {
    public var name: String { "sweep3d" }
    public func supports(dimension: Int) -> Bool { dimension == 3 }

    public func hypervolume(of points: PointSet, reference: [Double]) -> Double {
        let n = points.count
        return points.coordinates.withUnsafeBufferPointer { c in
            Self.hypervolume(c.baseAddress!, count: n, stride: 3, reference: reference)
        }
    }

    /// The 3-D hypervolume of `count` points whose first three coordinates start every `stride`.
    static func hypervolume(_ p: UnsafePointer<Double>, count n: Int, stride: Int, reference: [Double]) -> Double {
        if n == 0 { return 0 }
        // Ranks in (x, y, z) order: ties in (x, y) put the point swept earlier (smaller z) first,
        // so a predecessor query finds any earlier point that weakly dominates in (x, y).
        var byX = (0..<n).map { SIMD4(p[$0 * stride], p[$0 * stride + 1], p[$0 * stride + 2], Double($0)) }
        byX.sort { a, b in
            if a.x != b.x { return a.x < b.x }
            if a.y != b.y { return a.y < b.y }
            if a.z != b.z { return a.z < b.z }
            return a.w < b.w
        }
        var rankOf = [Int32](repeating: 0, count: n)
        for (r, v) in byX.enumerated() { rankOf[Int(v.w)] = Int32(r) }
        var byZ = (0..<n).map { (p[$0 * stride + 2], Int32($0)) }
        byZ.sort { $0.0 < $1.0 || ($0.0 == $1.0 && rankOf[Int($0.1)] < rankOf[Int($1.1)]) }

        let refX = reference[0]
        let refY = reference[1]
        var front = RankSet(capacity: n)
        var area = 0.0
        var volume = 0.0
        byX.withUnsafeBufferPointer { sorted in
            for k in 0..<n {
                let (z, i) = byZ[k]
                let r = Int(rankOf[Int(i)])
                let x = sorted[r].x
                let y = sorted[r].y
                let left = front.predecessor(r)
                if left == nil || sorted[left!].y > y {
                    var level = left.map { sorted[$0].y } ?? refY
                    var x0 = x
                    var gained = 0.0
                    var right = front.successor(r + 1)
                    while let s = right, sorted[s].y >= y {
                        gained += (sorted[s].x - x0) * (level - y)
                        x0 = sorted[s].x
                        level = sorted[s].y
                        front.remove(s)
                        right = front.successor(s + 1)
                    }
                    gained += ((right.map { sorted[$0].x } ?? refX) - x0) * (level - y)
                    area += gained
                    front.insert(r)
                }
                let nextZ = k + 1 < n ? byZ[k + 1].0 : reference[2]
                volume += area * (nextZ - z)
            }
        }
        return volume
    }
}
