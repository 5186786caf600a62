/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in the numerical core takes one of these explicitly, so a run is
/// reproducible from its seed. Not cryptographically secure.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform double in `[0, 1)` with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (Marsaglia's polar method).
    public mutating func nextNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * logarithm(s) / s).squareRoot()
            }
        }
    }

    /// A point drawn uniformly from the probability simplex of `dimension` coordinates
    /// (normalised exponential deviates, one uniform draw each).
    public mutating func nextSimplexPoint(dimension: Int) -> [Double] {
        let draws = (0..<dimension).map { _ in -logarithm(max(nextUniform(), 1e-300)) }
        let total = draws.reduce(0, +)
        return draws.map { $0 / total }
    }

    /// An independent generator derived from this one's seed stream and `index`
    /// (for parallel work that must not depend on scheduling).
    public mutating func split(_ index: UInt64 = 0) -> SeededGenerator {
        SeededGenerator(seed: next() ^ (index &* 0x9E37_79B9_7F4A_7C15))
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
private func logarithm(_ x: Double) -> Double { log(x) }
