import GaussianProcess
import LinearAlgebra
import Testing

/// Expects two models' posterior means and variances at every row of `probe` to agree within `tolerance`.
func expectSamePosterior(
    _ first: ExactGP,
    _ second: ExactGP,
    at probe: Matrix,
    tolerance: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let a = first.posterior(at: probe)
    let b = second.posterior(at: probe)
    for i in 0..<probe.rows {
        #expect(abs(a.mean[i] - b.mean[i]) <= tolerance, "mean at row \(i)", sourceLocation: sourceLocation)
        #expect(abs(a.variance[i] - b.variance[i]) <= tolerance, "variance at row \(i)", sourceLocation: sourceLocation)
    }
}
