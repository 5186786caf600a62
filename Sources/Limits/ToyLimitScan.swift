import Memberwise
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
@MemberwiseInit
public struct ToyLimitScan: Sendable {
    public var experiment: CountingExperiment
    public var observed: Int
    public var alpha: Double = 0.05
    /// Toys per point and step.
    public var toys: Int
    public var maximumSteps: Int = 6

    public struct Result: Sendable {
        public var limit: Double
        public var error: Double
        public var steps: Int
        public var totalToys: Int
        public var points: [CountingExperiment.ToyEstimate]
    }

    /// Runs the scan with `seed`, computing every step's toys here.
    public func run(seed: UInt64) -> Result {
        var state = State(scan: self, seed: seed)
        while let requests = state.nextRequests() {
            state.record(requests.map { experiment.toyCLs(observed: $0.observed, request: $0) })
        }
        return state.result()
    }

    /// Runs the scan with `seed`, handing every step's batch of toy requests to `evaluate` (which
    /// may dispatch them as jobs to pilots) and waiting for its estimates, in the same order.
    public func run(
        seed: UInt64,
        evaluate: ([ToyRequest]) async throws -> [CountingExperiment.ToyEstimate]
    ) async throws -> Result {
        var state = State(scan: self, seed: seed)
        while let requests = state.nextRequests() {
            let estimates = try await evaluate(requests)
            guard estimates.count == requests.count else { throw ToyScanError.missingEstimates }
            state.record(estimates)
        }
        return state.result()
    }

    /// The scan as a state machine: which toys to run next, given the estimates so far.
    struct State {
        let scan: ToyLimitScan
        var generator: SeededGenerator
        var estimates: [Double: CountingExperiment.ToyEstimate] = [:]
        var steps = 0
        var finished = false

        init(scan: ToyLimitScan, seed: UInt64) {
            self.scan = scan
            generator = SeededGenerator(seed: seed)
        }

        mutating func requests(_ mus: [Double]) -> [ToyRequest] {
            mus.map {
                ToyRequest(
                    signal: $0,
                    observed: scan.observed,
                    toys: scan.toys,
                    seed: generator.next() % 1_000_000_000_000
                )
            }
        }

        /// The next step's requests, or nil when the scan is done.
        mutating func nextRequests() -> [ToyRequest]? {
            guard !finished, steps < scan.maximumSteps else { return nil }
            if estimates.isEmpty {
                let guess = scan.experiment.asymptoticLimit(observed: Double(scan.observed), alpha: scan.alpha)
                return requests(stride(from: 0.5, through: 1.6, by: 0.1).map { $0 * guess })
            }
            let sorted = estimates.values.sorted { $0.signal < $1.signal }
            guard let upper = sorted.firstIndex(where: { $0.cls <= scan.alpha }), upper > 0 else {
                // Not bracketed: extend the grid outward.
                let top = sorted.last!.signal
                return requests([top * 1.3, top * 1.7])
            }
            let a = sorted[upper - 1]
            let b = sorted[upper]
            let compatible = sorted.filter { abs($0.cls - scan.alpha) < 2 * $0.error }
            let width = b.signal - a.signal
            if width < 0.002 * b.signal && compatible.count <= 2 {
                finished = true
                return nil
            }
            return requests([a.signal + width / 3, a.signal + 2 * width / 3] + compatible.map(\.signal))
        }

        /// Pools a step's estimates with earlier ones at the same signal (weighted by toys).
        mutating func record(_ new: [CountingExperiment.ToyEstimate]) {
            steps += 1
            for estimate in new {
                if let old = estimates[estimate.signal] {
                    let total = old.toys + estimate.toys
                    let cls = (old.cls * Double(old.toys) + estimate.cls * Double(estimate.toys)) / Double(total)
                    let error =
                        ((old.error * old.error * Double(old.toys * old.toys) + estimate.error * estimate.error
                            * Double(estimate.toys * estimate.toys)).squareRoot()) / Double(total)
                    estimates[estimate.signal] = .init(signal: estimate.signal, cls: cls, error: error, toys: total)
                } else {
                    estimates[estimate.signal] = estimate
                }
            }
        }

        func result() -> Result { scan.fit(estimates, steps: steps) }
    }

    func fit(_ estimates: [Double: CountingExperiment.ToyEstimate], steps: Int) -> Result {
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

/// One batch item of a toy scan: estimate CLs at `signal` for `observed` counts with `toys` toys
/// drawn from `seed`.
@MemberwiseInit
public struct ToyRequest: Sendable, Equatable {
    public var signal: Double
    public var observed: Int
    public var toys: Int
    public var seed: UInt64
}

/// An error of a toy scan whose evaluations were made elsewhere.
public enum ToyScanError: Error, Sendable {
    /// The evaluations returned fewer estimates than requested.
    case missingEstimates
}

extension CountingExperiment {
    /// The toy estimate a ``ToyRequest`` asks for.
    public func toyCLs(observed n: Int, request: ToyRequest) -> ToyEstimate {
        var generator = SeededGenerator(seed: request.seed)
        return toyCLs(observed: n, signal: request.signal, toys: request.toys, generator: &generator)
    }
}
