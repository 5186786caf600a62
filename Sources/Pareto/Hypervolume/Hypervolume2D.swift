import Memberwise

/// Two-objective hypervolume by one sweep over the points sorted by the first objective.
///
/// - Complexity: `O(n log n)`.
@MemberwiseInit
public struct Hypervolume2D: HypervolumeAlgorithm {
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
        var sorted = (0..<n).map { SIMD2(p[$0 * stride], p[$0 * stride + 1]) }
        sorted.sort { $0.x < $1.x || ($0.x == $1.x && $0.y < $1.y) }
        var volume = 0.0
        var level = referenceY
        for point in sorted where point.y < level {
            volume += (referenceX - point.x) * (level - point.y)
            level = point.y
        }
        return volume
    }
}
