/// A regular grid over a box: `perSide` equally spaced values per dimension, ends included, as
/// points in row-major order (the last dimension varies fastest). `perSide^d` points.
public enum RegularGrid {
    public static func points(lower: [Double], upper: [Double], perSide: Int) -> [[Double]] {
        var points: [[Double]] = [[]]
        for j in lower.indices {
            let values = (0..<perSide).map {
                lower[j] + (upper[j] - lower[j]) * Double($0) / Double(max(perSide - 1, 1))
            }
            points = points.flatMap { prefix in values.map { prefix + [$0] } }
        }
        return points
    }
}
