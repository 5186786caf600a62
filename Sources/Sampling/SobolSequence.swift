/// A Sobol low-discrepancy sequence in `[0, 1)^d`, optionally scrambled (seeded).
///
/// Direction numbers are Joe and Kuo's (new-joe-kuo-6.21201, up to 1,024 dimensions); points come
/// in Gray-code order with 32-bit precision. Unscrambled, the sequence starts at the origin and
/// equals SciPy's `scipy.stats.qmc.Sobol(d, scramble=False)`. Scrambling is a random linear matrix
/// scramble (Matoušek 1998) followed by a random digital shift, as SciPy and PyTorch do; it keeps the
/// net structure and removes the origin. Use a power of two of points for the best balance.
public struct SobolSequence: Sendable {
    /// The largest dimension supported by the direction numbers.
    public static let maximumDimension = 1024
    static let bits = 32

    /// Number of coordinates per point.
    public let dimension: Int
    /// Direction numbers per dimension (`bits` of them, most significant bit first), after scrambling.
    private let directions: [[UInt32]]
    /// The current point's integer coordinates.
    private var state: [UInt32]
    /// Number of points produced so far.
    public private(set) var index: UInt64 = 0

    /// A sequence in `dimension` coordinates (1 to 1,024).
    ///
    /// - Parameters:
    ///   - scrambled: apply a random linear scramble and digital shift drawn from `seed`.
    ///   - seed: the scrambling seed.
    public init(dimension: Int, scrambled: Bool = true, seed: UInt64 = 0) {
        precondition(
            dimension >= 1 && dimension <= Self.maximumDimension,
            "SobolSequence: dimension must be in 1...\(Self.maximumDimension), got \(dimension)"
        )
        self.dimension = dimension
        var directions = Self.unscrambledDirections(dimension: dimension)
        var state = [UInt32](repeating: 0, count: dimension)
        if scrambled {
            var generator = SeededGenerator(seed: seed)
            for j in 0..<dimension {
                // Lower-triangular binary matrix with unit diagonal, applied to each direction number
                // as a column of bits (bit 0 = most significant).
                var rows = [UInt32](repeating: 0, count: Self.bits)
                for r in 0..<Self.bits {
                    let below = UInt32(truncatingIfNeeded: generator.next())
                    // Keep bits for columns c < r (more significant), set the diagonal.
                    let keepMask: UInt32 = r == 0 ? 0 : ~UInt32(0) << UInt32(Self.bits - r)
                    rows[r] = (below & keepMask) | (UInt32(1) << UInt32(Self.bits - 1 - r))
                }
                for k in 0..<Self.bits {
                    let v = directions[j][k]
                    var scrambledValue: UInt32 = 0
                    for r in 0..<Self.bits where (rows[r] & v).nonzeroBitCount & 1 == 1 {
                        scrambledValue |= UInt32(1) << UInt32(Self.bits - 1 - r)
                    }
                    directions[j][k] = scrambledValue
                }
                state[j] = UInt32(truncatingIfNeeded: generator.next())
            }
        }
        self.directions = directions
        self.state = state
    }

    /// The next point.
    public mutating func next() -> [Double] {
        var point = [Double](repeating: 0, count: dimension)
        next(into: &point)
        return point
    }

    /// Writes the next point into `point` (`dimension` elements).
    public mutating func next(into point: inout [Double]) {
        let scale = 1.0 / 4_294_967_296.0
        for j in 0..<dimension { point[j] = Double(state[j]) * scale }
        // Gray code: flip the direction number of the lowest zero bit of the index.
        let c = (~index).trailingZeroBitCount
        precondition(c < Self.bits, "SobolSequence: more than 2^32 points")
        for j in 0..<dimension { state[j] ^= directions[j][c] }
        index += 1
    }

    /// The next `count` points, one after another (row-major, `count * dimension` values).
    public mutating func next(count: Int) -> [Double] {
        var result = [Double](repeating: 0, count: count * dimension)
        var point = [Double](repeating: 0, count: dimension)
        for i in 0..<count {
            next(into: &point)
            for j in 0..<dimension { result[i * dimension + j] = point[j] }
        }
        return result
    }

    /// Skips `count` points.
    public mutating func skip(_ count: Int) {
        for _ in 0..<count {
            let c = (~index).trailingZeroBitCount
            for j in 0..<dimension { state[j] ^= directions[j][c] }
            index += 1
        }
    }

    /// Direction numbers `v_k = m_k << (bits - k)` from the Joe–Kuo recurrences.
    static func unscrambledDirections(dimension: Int) -> [[UInt32]] {
        var result: [[UInt32]] = []
        result.reserveCapacity(dimension)
        // Dimension 1: van der Corput.
        result.append((0..<bits).map { UInt32(1) << UInt32(bits - 1 - $0) })
        if dimension == 1 { return result }
        for entry in parsedTable.prefix(dimension - 1) {
            var v = [UInt32](repeating: 0, count: bits)
            let s = entry.degree
            for k in 0..<min(s, bits) { v[k] = entry.initial[k] << UInt32(bits - 1 - k) }
            if s < bits {
                for k in s..<bits {
                    var value = v[k - s] ^ (v[k - s] >> UInt32(s))
                    for i in 1..<s where (entry.coefficients >> UInt32(s - 1 - i)) & 1 == 1 {
                        value ^= v[k - i]
                    }
                    v[k] = value
                }
            }
            result.append(v)
        }
        return result
    }

    struct TableEntry: Sendable {
        var degree: Int
        var coefficients: UInt32
        var initial: [UInt32]
    }

    /// The direction-number table, parsed once.
    static let parsedTable: [TableEntry] = directionNumberTable.split(separator: "\n").map { line in
        let fields = line.split(separator: " ").compactMap { UInt32($0) }
        return TableEntry(degree: Int(fields[1]), coefficients: fields[2], initial: Array(fields[3...]))
    }
}
