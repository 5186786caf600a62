/// One exact hypervolume algorithm, registered by name in ``Hypervolume/algorithms``.
///
/// Implementations receive points that all strictly dominate the reference point, stored
/// row-major, and return the Lebesgue measure of the region they dominate up to the reference.
public protocol HypervolumeAlgorithm: Sendable {
    /// The name used by `paretopilot hv --algorithm`, the tests and the benchmarks.
    var name: String { get }
    /// Whether the algorithm handles `dimension` objectives.
    func supports(dimension: Int) -> Bool
    /// The hypervolume of `points` (each strictly below `reference` in every objective).
    func hypervolume(of points: PointSet, reference: [Double]) -> Double
}

/// Exact hypervolume (minimisation) relative to an explicit reference point.
///
/// The algorithm is chosen by the number of objectives: a sweep for two (`O(n log n)`), a
/// dimension sweep with a balanced staircase for three (`O(n log n)`, the HV3D class), and for
/// four or more the WFG recursion (limit sets sliced along the last objective, down to the
/// three-objective sweep). Points that do not strictly dominate the reference point contribute
/// nothing and are dropped first, as moocore does.
public enum Hypervolume {
    /// Every registered algorithm; the first that supports a dimension is the default for it.
    public static let algorithms: [any HypervolumeAlgorithm] = [
        Hypervolume2D(),
        Hypervolume3D(),
        Hypervolume4D(),
        HypervolumeWFG(),
    ]

    /// The registered algorithm called `name`.
    public static func algorithm(named name: String) -> (any HypervolumeAlgorithm)? {
        algorithms.first { $0.name == name.lowercased() }
    }

    /// The default algorithm for `dimension` objectives.
    public static func defaultAlgorithm(for dimension: Int) -> any HypervolumeAlgorithm {
        algorithms.first { $0.supports(dimension: dimension) } ?? HypervolumeWFG()
    }

    /// The hypervolume dominated by `points` and bounded by `reference`.
    ///
    /// - Parameters:
    ///   - points: `n` points of `d` objectives, all minimised.
    ///   - reference: `d` coordinates.
    ///   - algorithm: a registered algorithm; by default the fastest for `d`.
    /// - Throws: ``ParetoError`` if the reference point does not match or is not finite, or the
    ///   algorithm does not support `d`.
    public static func of(
        _ points: PointSet,
        reference: [Double],
        algorithm: (any HypervolumeAlgorithm)? = nil
    ) throws(ParetoError) -> Double {
        try points.validate(reference: reference)
        let chosen = algorithm ?? defaultAlgorithm(for: points.dimension)
        guard chosen.supports(dimension: points.dimension) else {
            throw ParetoError(
                message: "algorithm '\(chosen.name)' does not handle \(points.dimension) objectives",
                field: "algorithm"
            )
        }
        let inside = points.indicesStrictlyBelow(reference)
        if inside.isEmpty { return 0 }
        let filtered = inside.count == points.count ? points : points.selecting(inside)
        if points.dimension == 1 {
            return reference[0] - (filtered.coordinates.min() ?? reference[0])
        }
        return chosen.hypervolume(of: filtered, reference: reference)
    }

    /// The hypervolume of rows of objective values (convenience).
    public static func of(_ rows: [[Double]], reference: [Double]) throws(ParetoError) -> Double {
        try of(PointSet(rows: rows), reference: reference)
    }
}
