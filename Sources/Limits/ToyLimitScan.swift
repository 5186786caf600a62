import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CLs upper limit from toys by an iterative scan: each step's points depend on the previous
/// results, as a grid scan that refines where CLs is still compatible with `alpha`.
///
/// Step 0 evaluates a coarse grid around the asymptotic limit; each later step adds points between
/// the two grid points whose CLs estimates bracket `alpha`, and more toys at the points still
/// compatible with `alpha` within two standard errors, until the bracket is narrower than the
/// statistical resolution or the step budget is spent. The limit solves a weighted straight-line fit
/// of `ln CLs` against `μ` near the crossing for `ln alpha`; its error follows from the fit.
public struct ToyLimitScan: Sendable {
    public var experiment: CountingExperiment
    public var observed: Int
    public var alpha: Double = 0.05
    /// Toys per point and step.
    public var toys: Int
    public var maximumSteps: Int = 6

    public init(experiment: CountingExperiment, observed: Int, toys: Int) {
        self.experiment = experiment
        self.observed = observed
        self.toys = toys
    }

    public struct Result: Sendable {
        public var limit: Double
        public var error: Double
        public var steps: Int
        public var totalToys: Int
        public var points: [CountingExperiment.ToyEstimate]
    }

    /// Runs the scan with `seed`; `evaluate` computes one step's estimates (so a step's batch can be
    /// dispatched elsewhere); by default they are computed here.
    public func run(seed: UInt64) -> Result {
        var generator = SeededGenerator(seed: seed)
        let guess = experiment.asymptoticLimit(observed: Double(observed), alpha: alpha)
        var estimates: [Double: CountingExperiment.ToyEstimate] = [:]
        func evaluate(_ mus: [Double]) {
            for mu in mus {
                var child = generator.split(UInt64(mu * 1e6))
                let new = experiment.toyCLs(observed: observed, signal: mu, toys: toys, generator: &child)
                if let old = estimates[mu] {
                    // Pool toys: weighted by counts.
                    let total = old.toys + new.toys
                    let cls = (old.cls * Double(old.toys) + new.cls * Double(new.toys)) / Double(total)
                    let error =
                        ((old.error * old.error * Double(old.toys * old.toys) + new.error * new.error
                            * Double(new.toys * new.toys)).squareRoot()) / Double(total)
                    estimates[mu] = .init(signal: mu, cls: cls, error: error, toys: total)
                } else {
                    estimates[mu] = new
                }
            }
        }
        evaluate(stride(from: 0.5, through: 1.6, by: 0.1).map { $0 * guess })
        var steps = 1
        while steps < maximumSteps {
            let sorted = estimates.values.sorted { $0.signal < $1.signal }
            guard let upper = sorted.firstIndex(where: { $0.cls <= alpha }), upper > 0 else {
                // Not bracketed: extend the grid outward.
                let top = sorted.last!.signal
                evaluate([top * 1.3, top * 1.7])
                steps += 1
                continue
            }
            let a = sorted[upper - 1]
            let b = sorted[upper]
            let compatible = sorted.filter { abs($0.cls - alpha) < 2 * $0.error }
            let width = b.signal - a.signal
            if width < 0.002 * b.signal && compatible.count <= 2 { break }
            evaluate([a.signal + width / 3, a.signal + 2 * width / 3] + compatible.map(\.signal))
            steps += 1
        }
        // The limit: a weighted straight-line fit of ln CLs against μ near the crossing (ln CLs is
        // close to linear in μ), weights (CLs / error)², solved for ln alpha; the error by the delta method.
        let sorted = estimates.values.sorted { $0.signal < $1.signal }
        var window = sorted.filter { $0.cls > alpha / 3 && $0.cls < 3 * alpha && $0.error > 0 }
        if window.count < 3 {
            window = Array(
                sorted.filter { $0.cls > 0 }.sorted { abs(log($0.cls / alpha)) < abs(log($1.cls / alpha)) }.prefix(4)
            )
        }
        var (sw, swx, swy, swxx, swxy) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for point in window {
            let w = pow(point.cls / max(point.error, 1e-12), 2)
            let y = log(point.cls)
            sw += w
            swx += w * point.signal
            swy += w * y
            swxx += w * point.signal * point.signal
            swxy += w * point.signal * y
        }
        let determinant = sw * swxx - swx * swx
        let slope = determinant != 0 ? (sw * swxy - swx * swy) / determinant : 0
        let intercept = sw != 0 ? (swy - slope * swx) / sw : 0
        let limit = slope < 0 ? (log(alpha) - intercept) / slope : (window.first?.signal ?? 0)
        let varianceSlope = determinant != 0 ? sw / determinant : 0
        let varianceIntercept = determinant != 0 ? swxx / determinant : 0
        let covariance = determinant != 0 ? -swx / determinant : 0
        let error =
            slope < 0
            ? ((varianceIntercept + limit * limit * varianceSlope + 2 * limit * covariance).squareRoot() / abs(slope))
            : limit
        return Result(
            limit: limit,
            error: error,
            steps: steps,
            totalToys: estimates.values.reduce(0) { $0 + 2 * $1.toys },
            points: sorted
        )
    }
}
