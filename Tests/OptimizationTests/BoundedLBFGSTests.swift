import Optimization
import Testing

@Suite("Bounded L-BFGS")
struct BoundedLBFGSTests {
    static func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
        var f = 0.0
        for i in g.indices { g[i] = 0 }
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i]
            let b = 1 - x[i]
            f += 100 * a * a + b * b
            g[i] += -400 * x[i] * a - 2 * b
            g[i + 1] += 200 * a
        }
        return f
    }

    @Test("Finds the Rosenbrock minimum without active bounds", arguments: [2, 5])
    func rosenbrock(dimension: Int) {
        let result = BoundedLBFGS(
            maxIterations: 500,
            maxEvaluations: 2000,
            functionTolerance: 0,
            gradientTolerance: 1e-9
        )
        .minimize(
            Self.rosenbrock,
            start: [Double](repeating: -1.2, count: dimension),
            lower: [Double](repeating: -5, count: dimension),
            upper: [Double](repeating: 5, count: dimension)
        )
        for xi in result.x { #expect(abs(xi - 1) < 1e-5) }
        #expect(result.value < 1e-10)
    }

    @Test("Stops on the bound when the unconstrained minimum is outside the box")
    func activeBound() {
        // f = (x0 - 3)² + (x1 + 1)², box [0, 2] x [0, 2] → minimum at (2, 0).
        let result = BoundedLBFGS().minimize(
            { x, g in
                g[0] = 2 * (x[0] - 3)
                g[1] = 2 * (x[1] + 1)
                return (x[0] - 3) * (x[0] - 3) + (x[1] + 1) * (x[1] + 1)
            },
            start: [0.5, 1.5],
            lower: [0, 0],
            upper: [2, 2]
        )
        #expect(abs(result.x[0] - 2) < 1e-12)
        #expect(abs(result.x[1]) < 1e-12)
        #expect(result.termination == .gradientTolerance)
    }

    @Test("Backs off from non-finite values instead of failing")
    func nonFinite() {
        // f = x on x > 0.1 (log barrier-like hole below): infinite below 0.1.
        let result = BoundedLBFGS().minimize(
            { x, g in
                g[0] = 1 - 0.1 / x[0]
                return x[0] < 0.05 ? .infinity : x[0] - 0.1 * log(x[0])
            },
            start: [3],
            lower: [-10],
            upper: [10]
        )
        #expect(abs(result.x[0] - 0.1) < 1e-5)
    }
}

#if canImport(Glibc)
import Glibc
#endif
