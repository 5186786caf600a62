/// Two-objective hypervolume by one sweep over the points sorted by the first objective.
///
/// - Complexity: `O(n log n)`.
public struct Hypervolume2D: HypervolumeAlgorithm {
    public init() {}
    public var name: String { "sweep2d" }
    public func supports(dimension: Int) -> Bool { dimension == 2 }

    public func hypervolume(of points: PointSet, reference: [Double]) -> Double {
        let n = points.count
        return points.coordinates.withUnsafeBufferPointer { c in
            Self.hypervolume(c.baseAddress!, count: n, stride: 2, referenceX: reference[0], referenceY: reference[1])
        }
    }

    /// The 2-D hypervolume of `count` points `(p[i*stride], p[i*stride+1])`, all below the reference.
    static func hypervolume(
        _ p: UnsafePointer<Double>,
        count n: Int,
        stride: Int,
        referenceX: Double,
        referenceY: Double
    ) -> Double {
        var order = Array(0..<n)
        order.sort { a, b in
            let xa = p[a * stride]
            let xb = p[b * stride]
            return xa < xb || (xa == xb && p[a * stride + 1] < p[b * stride + 1])
        }
        var volume = 0.0
        var level = referenceY
        for i in order {
            let y = p[i * stride + 1]
            if y < level {
                volume += (referenceX - p[i * stride]) * (level - y)
                level = y
            }
        }
        return volume
    }
}
