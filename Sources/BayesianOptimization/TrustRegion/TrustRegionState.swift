import Memberwise
import Pareto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One trust region: a hypercube of edge ``length`` around an observed design.
struct TrustRegion: Sendable, Equatable {
    /// Index of the centre among the observations.
    var center: Int
    var length: Double
    var successes = 0
    var failures = 0

    /// Whether `x` (unit cube) lies within `factor` half-edges of the centre `c` in every coordinate.
    static func contains(_ x: [Double], center c: [Double], length: Double, factor: Double = 1) -> Bool {
        let half = 0.5 * length * factor
        for j in 0..<x.count where abs(x[j] - c[j]) > half { return false }
        return true
    }
}

/// The regions after replaying the observations in order, as if every `batch` of them had come
/// from one ask: success and failure counts, edge lengths and restarts follow MORBO's rules, so
/// the state is a deterministic function of the history (a restarted server or a second client
/// sees the same regions) and needs no storage of its own.
@MemberwiseInit
struct TrustRegionHistory {
    let settings: TrustRegionSettings
    /// Observed designs in the unit cube.
    let unitInputs: [[Double]]
    /// The optimiser-frame objectives (minimised).
    let objectives: [[Double]]
    let feasible: [Bool]
    let reference: [Double]
    let regionCount: Int
    let initialCount: Int
    let budget: Int?

    private(set) var regions: [TrustRegion] = []
    /// Centres of regions that collapsed: never a centre again.
    private(set) var tabu: Set<Int> = []

    var dimension: Int { unitInputs.first?.count ?? 0 }

    /// MORBO's budget decay `1 - ½ log(n - n₀ + 1) / log(N - n₀ + 1)`: 1 at the start, ½ at the end.
    func decay(observed n: Int) -> Double {
        guard let budget, budget > initialCount + 1 else { return 1 }
        let used = Double(max(n - initialCount, 0) + 1)
        return max(0.5, 1 - 0.5 * log(used) / log(Double(budget - initialCount + 1)))
    }

    /// The edge of a new or restarted region after `n` observations (MORBO's shrinking start).
    func freshLength(_ n: Int) -> Double {
        settings.minimumLength + (settings.initialLength - settings.minimumLength) * decay(observed: n)
    }

    /// Replays the observations after the first `start` in chunks of `batch`, then picks the
    /// centres for the data as it stands.
    mutating func replay(batch: Int) {
        let n = objectives.count
        let start = min(max(initialCount, 1), n)
        regions = []
        assignCenters(observed: start)
        var end = start
        let tolerance = settings.failureTolerance(dimension: dimension)
        while end < n {
            let next = min(end + max(batch, 1), n)
            let before = FrontScore(objectives: objectives, feasible: feasible, count: end, reference: reference)
            var attributed = [[Int]](repeating: [], count: regions.count)
            for i in end..<next {
                guard let r = nearestRegion(to: unitInputs[i]) else { continue }
                attributed[r].append(i)
            }
            for r in regions.indices where !attributed[r].isEmpty {
                if before.isImproved(by: attributed[r].filter { feasible[$0] }.map { objectives[$0] }) {
                    regions[r].successes += 1
                    regions[r].failures = 0
                    if regions[r].successes >= settings.successTolerance {
                        regions[r].length = min(2 * regions[r].length, settings.maximumLength)
                        regions[r].successes = 0
                    }
                } else {
                    regions[r].successes = 0
                    regions[r].failures += attributed[r].count
                    if regions[r].failures >= tolerance {
                        regions[r].length /= 2
                        regions[r].failures = 0
                        if regions[r].length < settings.minimumLength {
                            tabu.insert(regions[r].center)
                            regions[r].length = freshLength(next)
                        }
                    }
                }
            }
            end = next
            assignCenters(observed: end)
        }
    }

    /// The region whose box holds `x`, else the one whose centre is nearest (box-relative L∞).
    func nearestRegion(to x: [Double]) -> Int? {
        var best: (Int, Double)? = nil
        for (r, region) in regions.enumerated() {
            let c = unitInputs[region.center]
            var distance = 0.0
            for j in 0..<x.count { distance = max(distance, abs(x[j] - c[j]) / (0.5 * region.length)) }
            if distance < (best?.1 ?? .infinity) { best = (r, distance) }
        }
        return best?.0
    }

    /// Centres for the first `n` observations: each region takes the eligible front point with the
    /// largest hypervolume contribution inside its box, else anywhere; before any point is inside
    /// the reference box, the points nearest to it.
    mutating func assignCenters(observed n: Int) {
        let ranking = FrontScore(objectives: objectives, feasible: feasible, count: n, reference: reference).ranking()
        while regions.count < regionCount { regions.append(TrustRegion(center: -1, length: freshLength(n))) }
        var used = Set<Int>()
        for r in regions.indices {
            let previous = regions[r].center
            let eligible = ranking.filter { !used.contains($0) && !tabu.contains($0) }
            let inside =
                previous >= 0
                ? eligible.first {
                    TrustRegion.contains(unitInputs[$0], center: unitInputs[previous], length: regions[r].length)
                } : nil
            let chosen = inside ?? eligible.first ?? ranking.first { !used.contains($0) } ?? ranking.first ?? 0
            // A region keeps its length and counts when its centre moves (as MORBO's).
            regions[r].center = chosen
            used.insert(chosen)
        }
    }
}

/// How good a set of observed objective vectors is, for the regions' bookkeeping: the
/// hypervolume of the feasible ones inside the reference box, and while that is 0, how far the
/// nearest is from the box (objectives scaled by their observed range).
struct FrontScore {
    let reference: [Double]
    let scales: [Double]
    let points: [[Double]]
    let indices: [Int]
    let hypervolume: Double
    let distance: Double

    init(objectives: [[Double]], feasible: [Bool], count: Int, reference: [Double]) {
        let m = reference.count
        var scales = [Double](repeating: 1, count: m)
        if count > 0 {
            for j in 0..<m {
                let values = objectives[0..<count].map { $0[j] }
                let range = values.max()! - values.min()!
                scales[j] = range > 0 ? range : 1
            }
        }
        let indices = (0..<count).filter { feasible[$0] }
        self.reference = reference
        self.scales = scales
        self.indices = indices
        self.points = indices.map { objectives[$0] }
        self.hypervolume = (try? Hypervolume.of(points, reference: reference)) ?? 0
        self.distance = points.map { Self.distance($0, reference: reference, scales: scales) }.min() ?? .infinity
    }

    /// Scaled Euclidean distance from `y` to the box below the reference point.
    static func distance(_ y: [Double], reference: [Double], scales: [Double]) -> Double {
        var sum = 0.0
        for j in 0..<y.count {
            let excess = max(y[j] - reference[j], 0) / scales[j]
            sum += excess * excess
        }
        return sum.squareRoot()
    }

    /// Whether adding `new` raises the hypervolume by more than 0.1%, or, while it is 0, brings
    /// the front closer to the reference box by more than 0.1%.
    func isImproved(by new: [[Double]]) -> Bool {
        guard !new.isEmpty else { return false }
        if hypervolume > 0 {
            let after = (try? Hypervolume.of(points + new, reference: reference)) ?? 0
            return after > (1 + 1e-3) * hypervolume
        }
        let after = (try? Hypervolume.of(new, reference: reference)) ?? 0
        if after > 0 { return true }
        let nearest = new.map { Self.distance($0, reference: reference, scales: scales) }.min() ?? .infinity
        return nearest < (1 - 1e-3) * distance
    }

    /// Observation indices from the best centre down: front points by exclusive hypervolume
    /// contribution, then every other feasible point by distance to the reference box, then the
    /// infeasible ones.
    func ranking() -> [Int] {
        var contributions = [Double](repeating: 0, count: points.count)
        if hypervolume > 0, let set = try? PointSet(rows: points),
            let values = try? HypervolumeContributions.exclusive(set, reference: reference, ignoringDominated: true)
        {
            contributions = values
        }
        let distances = points.map { Self.distance($0, reference: reference, scales: scales) }
        let order = points.indices.sorted { a, b in
            if contributions[a] != contributions[b] { return contributions[a] > contributions[b] }
            if distances[a] != distances[b] { return distances[a] < distances[b] }
            return a < b
        }
        return order.map { indices[$0] }
    }
}
