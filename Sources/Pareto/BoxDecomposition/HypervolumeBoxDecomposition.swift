import Memberwise

/// Disjoint box decompositions of the dominated and the non-dominated region of a point set, the
/// structure that EHVI-type acquisitions integrate over (minimisation).
///
/// The region dominated by the front and bounded by the reference point `r` is split into boxes
/// from the local upper bounds (Klamroth, Lacour & Vanderpooten 2015; Lacour, Klamroth & Fonseca
/// 2017); the non-dominated region `{x < r : no front point weakly dominates x}` is split by
/// applying the same construction to the local upper bounds themselves (as BoTorch's
/// `FastNondominatedPartitioning` does, after Yang et al. 2019). Adding a point updates the local
/// upper bounds incrementally; the boxes are derived on demand.
///
/// For `m` objectives and `n` points in general position there are `O(n^⌊m/2⌋)` local upper bounds.
public struct HypervolumeBoxDecomposition: Sendable {
    /// Number of objectives.
    public var dimension: Int { upperBounds.dimension }
    /// The reference point.
    public var reference: [Double] { upperBounds.reference }

    private var upperBounds: LocalUpperBounds
    /// The points inserted so far that changed the decomposition (non-dominated when inserted).
    public private(set) var front: [[Double]] = []

    /// An empty decomposition for `reference`.
    public init(reference: [Double]) throws(ParetoError) {
        guard !reference.isEmpty, reference.allSatisfy({ $0.isFinite }) else {
            throw ParetoError(message: "the reference point must be non-empty and finite", field: "reference")
        }
        upperBounds = LocalUpperBounds(reference: reference)
    }

    /// The decomposition of `points` relative to `reference`.
    public init(points: PointSet, reference: [Double]) throws(ParetoError) {
        try points.validate(reference: reference)
        try self.init(reference: reference)
        // Non-dominated points first, in lexicographic order (fewer bounds created and removed).
        let mask = NondominatedSorting.nondominatedMask(points)
        let order = NondominatedSorting.lexicographicOrder(points).filter { mask[$0] }
        for i in order { insert(points.point(i)) }
    }

    /// Adds one point; a point dominated by the front (or not strictly below the reference) changes nothing.
    public mutating func insert(_ point: [Double]) {
        precondition(point.count == dimension, "insert: point has \(point.count) objectives, expected \(dimension)")
        let before = upperBounds.count
        let boundsBefore = upperBounds.bounds
        upperBounds.insert(point)
        if upperBounds.count != before || upperBounds.bounds != boundsBefore { front.append(point) }
    }

    /// The local upper bounds, one row each.
    public var localUpperBounds: [[Double]] {
        let m = dimension
        return (0..<upperBounds.count).map { Array(upperBounds.bounds[($0 * m)..<(($0 + 1) * m)]) }
    }

    /// Disjoint boxes whose union is the region dominated by the front within the reference box.
    public func dominatedBoxes() -> [Box] {
        let (lower, upper) = upperBounds.dominatedBoxes()
        return Box.boxes(lower: lower, upper: upper, dimension: dimension)
    }

    /// Disjoint boxes whose union is the non-dominated region `{x < r : no front point ≤ x}`,
    /// intersected with `x ≥ lowerBound` (default `-∞` in every objective: boxes may be unbounded below).
    public func nondominatedBoxes(lowerBound: [Double]? = nil) -> [Box] {
        let m = dimension
        let floor = lowerBound ?? [Double](repeating: -.infinity, count: m)
        precondition(floor.count == m, "nondominatedBoxes: lower bound of the wrong length")
        // In the negated frame the local upper bounds are points whose dominated region, bounded by
        // -floor, is the negated non-dominated region.
        var negated = LocalUpperBounds(reference: floor.map { -$0 })
        let bounds = localUpperBounds.sorted { $0.lexicographicallyPrecedes($1, by: >) }
        for u in bounds { negated.insert(u.map { -$0 }) }
        let (lower, upper) = negated.dominatedBoxes()
        // Negate back: [a, b] -> [-b, -a].
        return Box.boxes(lower: upper.map { -$0 }, upper: lower.map { -$0 }, dimension: m)
    }

    /// The hypervolume of the front, as the sum of the dominated boxes' volumes.
    public var hypervolume: Double { dominatedBoxes().reduce(0) { $0 + $1.volume } }

    /// The hypervolume improvement of adding `point`: the volume of the non-dominated region it dominates.
    ///
    /// `Σ_boxes Π_j max(0, u_j - max(l_j, y_j))`, the integrand of expected hypervolume improvement.
    public func hypervolumeImprovement(of point: [Double], boxes: [Box]? = nil) -> Double {
        var total = 0.0
        for box in boxes ?? nondominatedBoxes() {
            var volume = 1.0
            for j in 0..<dimension {
                let width = box.upper[j] - max(box.lower[j], point[j])
                if !(width > 0) {
                    volume = 0
                    break
                }
                volume *= width
            }
            total += volume
        }
        return total
    }
}

/// An axis-aligned box `[lower, upper]`.
@MemberwiseInit
public struct Box: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]

    /// The product of the side lengths (infinite for an unbounded box).
    public var volume: Double { zip(lower, upper).reduce(1) { $0 * ($1.1 - $1.0) } }

    static func boxes(lower: [Double], upper: [Double], dimension m: Int) -> [Box] {
        (0..<(lower.count / m)).map {
            Box(lower: Array(lower[($0 * m)..<(($0 + 1) * m)]), upper: Array(upper[($0 * m)..<(($0 + 1) * m)]))
        }
    }
}
