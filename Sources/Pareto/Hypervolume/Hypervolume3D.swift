/// Three-objective hypervolume by a sweep over the third objective (the HV3D class).
///
/// Points are visited in increasing third objective; the two-dimensional front of the points seen
/// so far is kept in a ``Staircase`` (a balanced tree), and its dominated area is updated with each
/// insertion from the new point's neighbours and the entries it removes, so each point costs
/// `O(log n)` amortised. The volume is the area times the gap to the next point's third objective.
///
/// - Complexity: `O(n log n)`.
public struct Hypervolume3D: HypervolumeAlgorithm {
    public init() {}
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
        var keyed = (0..<n).map { (p[$0 * stride + 2], Int32($0)) }
        keyed.sort { $0.0 < $1.0 }
        let order = keyed.map { Int($0.1) }
        let refX = reference[0]
        let refY = reference[1]
        let refZ = reference[2]
        let staircase = Staircase(capacity: n)
        var area = 0.0
        var volume = 0.0
        for (k, i) in order.enumerated() {
            let x = p[i * stride]
            let y = p[i * stride + 1]
            // The staircase level just right of x before insertion: the y of the last entry left of x.
            var level = staircase.strictPredecessor(ofX: x)?.y ?? refY
            var x0 = x
            var gained = 0.0
            let neighbours = staircase.insert(x: x, y: y, id: i) { removed in
                gained += (removed.x - x0) * (level - y)
                x0 = removed.x
                level = removed.y
            }
            if let (_, successor) = neighbours {
                gained += ((successor?.x ?? refX) - x0) * (level - y)
                area += gained
            }
            let nextZ = k + 1 < n ? p[order[k + 1] * stride + 2] : refZ
            volume += area * (nextZ - p[i * stride + 2])
        }
        return volume
    }
}
