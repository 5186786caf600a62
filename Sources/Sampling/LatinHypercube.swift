/// Latin hypercube designs in `[0, 1)^d`: each coordinate's `n` strata hold one point each.
public enum LatinHypercube {
    /// `count` points in `dimension` coordinates, row-major; seeded through `generator`.
    ///
    /// Each coordinate is an independent random permutation of the strata, with the point placed
    /// uniformly inside its stratum (McKay, Beckman & Conover 1979).
    public static func sample(count n: Int, dimension d: Int, generator: inout SeededGenerator) -> [Double] {
        var result = [Double](repeating: 0, count: n * d)
        if n == 0 { return result }
        var permutation = Array(0..<n)
        for j in 0..<d {
            for i in stride(from: n - 1, to: 0, by: -1) {
                permutation.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
            for i in 0..<n {
                result[i * d + j] = (Double(permutation[i]) + generator.nextUniform()) / Double(n)
            }
        }
        return result
    }
}
