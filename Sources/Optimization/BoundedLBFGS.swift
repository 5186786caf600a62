import Memberwise

/// A limited-memory quasi-Newton minimiser for smooth functions under box constraints.
///
/// This is projected L-BFGS with an active set, in the spirit of L-BFGS-B (Byrd, Lu, Nocedal & Zhu
/// 1995): variables at a bound whose gradient pushes outward are held fixed, the two-loop recursion
/// gives a quasi-Newton step in the free variables, and a backtracking Armijo search runs along the
/// projected path `P(x + t d)`. It stops when the projected gradient's largest component is below
/// ``gradientTolerance``, when one iteration lowers `f` by less than
/// ``functionTolerance`` `* max(|f|, 1)` (as SciPy's `ftol`) or the quasi-Newton model predicts that
/// the next step would (the Newton decrement `-gᵀd/2`), or at the iteration/evaluation caps.
///
/// Non-finite objective values are treated as "too far": the line search backs off.
@MemberwiseInit
public struct BoundedLBFGS: Sendable {
    /// Number of correction pairs kept.
    public var memory: Int = 10
    /// Largest number of iterations.
    public var maxIterations: Int = 200
    /// Largest number of objective evaluations.
    public var maxEvaluations: Int = 500
    /// Relative decrease of `f` below which the search stops.
    public var functionTolerance: Double = 1e-10
    /// Largest projected-gradient component below which the search stops.
    public var gradientTolerance: Double = 1e-6

    /// Why a minimisation stopped.
    public enum Termination: String, Sendable {
        case gradientTolerance, functionTolerance, maxIterations, maxEvaluations, lineSearchFailed
    }

    /// The correction pairs `(s, y)` of a run, oldest first; they can seed a later run.
    @MemberwiseInit
    public struct Memory: Sendable {
        public var steps: [[Double]] = []
        public var gradientChanges: [[Double]] = []

        /// The same memory with every `y` multiplied by `factor` (for a Hessian known to scale).
        public func scalingCurvature(by factor: Double) -> Memory {
            var m = self
            m.gradientChanges = gradientChanges.map { $0.map { $0 * factor } }
            return m
        }
    }

    /// The outcome of a minimisation.
    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var gradient: [Double]
        public var iterations: Int
        public var evaluations: Int
        public var termination: Termination
        public var memory: Memory
    }

    /// Minimises `objective` from `start` within `[lower, upper]`.
    ///
    /// - Parameters:
    ///   - objective: returns `f(x)` and writes `∇f(x)` into its second argument (same length as `x`).
    ///   - start: the first point; projected onto the box.
    ///   - lower: lower bounds (use `-.infinity` for none).
    ///   - upper: upper bounds (use `.infinity` for none).
    ///   - initialMemory: correction pairs from an earlier, related run (warm start).
    /// - Complexity: `O(memory * n)` per iteration besides the objective.
    public func minimize(
        _ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double,
        start: [Double],
        lower: [Double],
        upper: [Double],
        initialMemory: Memory = Memory()
    ) -> Result {
        let n = start.count
        precondition(lower.count == n && upper.count == n, "BoundedLBFGS: bounds must match the start's length")
        func project(_ v: inout [Double]) {
            for i in 0..<n { v[i] = min(max(v[i], lower[i]), upper[i]) }
        }
        var x = start
        project(&x)
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var evaluations = 1
        var memory = initialMemory
        var rho: [Double] = zip(memory.steps, memory.gradientChanges).map { 1 / dot($0, $1) }
        if !f.isFinite {
            return Result(
                x: x,
                value: f,
                gradient: g,
                iterations: 0,
                evaluations: 1,
                termination: .lineSearchFailed,
                memory: memory
            )
        }

        var iterations = 0
        var termination = Termination.maxIterations
        var newX = x
        var newG = g
        while iterations < maxIterations {
            // Free variables: not at a bound with the gradient pushing outward.
            var free = [Bool](repeating: true, count: n)
            var projectedGradientMax = 0.0
            for i in 0..<n {
                let atLower = x[i] <= lower[i] && g[i] > 0
                let atUpper = x[i] >= upper[i] && g[i] < 0
                if atLower || atUpper {
                    free[i] = false
                } else {
                    projectedGradientMax = max(projectedGradientMax, abs(g[i]))
                }
            }
            if projectedGradientMax <= gradientTolerance {
                termination = .gradientTolerance
                break
            }

            var direction = twoLoop(gradient: g, free: free, memory: memory, rho: rho)
            var slope = 0.0
            for i in 0..<n where free[i] { slope += direction[i] * g[i] }
            if !(slope < 0) {
                memory = Memory()
                rho = []
                for i in 0..<n { direction[i] = free[i] ? -g[i] : 0 }
                slope = 0
                for i in 0..<n where free[i] { slope -= g[i] * g[i] }
            }
            // Quasi-Newton decrement: with curvature information, a full step is predicted to lower
            // f by about -slope/2; when that is below the tolerance, another evaluation is not worth it.
            if !memory.steps.isEmpty && -0.5 * slope <= functionTolerance * max(abs(f), 1) {
                termination = .functionTolerance
                break
            }
            // The first step without curvature information is scaled to move about one unit.
            var step = 1.0
            if memory.steps.isEmpty {
                var largest = 0.0
                for i in 0..<n { largest = max(largest, abs(direction[i])) }
                if largest > 1 { step = 1 / largest }
            }

            var accepted = false
            var newF = f
            for _ in 0..<30 {
                if evaluations >= maxEvaluations { break }
                for i in 0..<n { newX[i] = x[i] + step * direction[i] }
                project(&newX)
                var decrease = 0.0
                for i in 0..<n { decrease += g[i] * (newX[i] - x[i]) }
                newF = objective(newX, &newG)
                evaluations += 1
                if newF.isFinite && newF <= f + 1e-4 * decrease {
                    accepted = true
                    break
                }
                // Quadratic interpolation of the step, kept within [0.1, 0.5] of the last.
                var next = 0.5 * step
                if newF.isFinite {
                    let denominator = 2 * (newF - f - decrease)
                    if denominator > 0 {
                        next = min(max(-decrease * step / denominator, 0.1 * step), 0.5 * step)
                    }
                } else {
                    next = 0.25 * step
                }
                step = next
            }
            if !accepted {
                termination = evaluations >= maxEvaluations ? .maxEvaluations : .lineSearchFailed
                break
            }
            iterations += 1

            var s = [Double](repeating: 0, count: n)
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                s[i] = newX[i] - x[i]
                y[i] = newG[i] - g[i]
            }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y) && sy > 0 {
                memory.steps.append(s)
                memory.gradientChanges.append(y)
                rho.append(1 / sy)
                if memory.steps.count > self.memory {
                    memory.steps.removeFirst()
                    memory.gradientChanges.removeFirst()
                    rho.removeFirst()
                }
            }
            let previous = f
            x = newX
            g = newG
            f = newF
            if previous - f <= functionTolerance * max(abs(previous), abs(f), 1) {
                termination = .functionTolerance
                break
            }
            if evaluations >= maxEvaluations {
                termination = .maxEvaluations
                break
            }
        }
        return Result(
            x: x,
            value: f,
            gradient: g,
            iterations: iterations,
            evaluations: evaluations,
            termination: termination,
            memory: memory
        )
    }

    /// The L-BFGS two-loop recursion restricted to the free variables: returns `-H g`.
    private func twoLoop(gradient: [Double], free: [Bool], memory: Memory, rho: [Double]) -> [Double] {
        let n = gradient.count
        var q = [Double](repeating: 0, count: n)
        for i in 0..<n where free[i] { q[i] = gradient[i] }
        let count = memory.steps.count
        var alpha = [Double](repeating: 0, count: count)
        for k in stride(from: count - 1, through: 0, by: -1) {
            let s = memory.steps[k]
            let y = memory.gradientChanges[k]
            var a = 0.0
            for i in 0..<n where free[i] { a += s[i] * q[i] }
            a *= rho[k]
            alpha[k] = a
            for i in 0..<n where free[i] { q[i] -= a * y[i] }
        }
        if count > 0 {
            let s = memory.steps[count - 1]
            let y = memory.gradientChanges[count - 1]
            var sy = 0.0
            var yy = 0.0
            for i in 0..<n where free[i] {
                sy += s[i] * y[i]
                yy += y[i] * y[i]
            }
            let gamma = (sy > 0 && yy > 0) ? sy / yy : 1
            for i in 0..<n { q[i] *= gamma }
        }
        for k in 0..<count {
            let s = memory.steps[k]
            let y = memory.gradientChanges[k]
            var b = 0.0
            for i in 0..<n where free[i] { b += y[i] * q[i] }
            b *= rho[k]
            for i in 0..<n where free[i] { q[i] += s[i] * (alpha[k] - b) }
        }
        for i in 0..<n { q[i] = free[i] ? -q[i] : 0 }
        return q
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
