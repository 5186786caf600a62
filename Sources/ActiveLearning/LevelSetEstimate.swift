import GaussianProcess
import LinearAlgebra

/// The estimated excursion sets on a grid: per output, the posterior mean and standard deviation,
/// the class (how many thresholds the mean exceeds) and whether the class is still ambiguous (a
/// threshold lies within 1.96 standard deviations of the mean).
public struct LevelSetEstimate: Sendable {
    public var points: [[Double]]
    /// `[output][point]`.
    public var mean: [[Double]]
    public var standardDeviation: [[Double]]
    public var labels: [[Int]]
    public var ambiguous: [[Bool]]

    /// Estimates on a grid of `perSide` points per side.
    public init(problem: LevelSetProblem, models: [ExactGP], perSide: Int) {
        points = problem.grid(perSide: perSide)
        let matrix = Matrix(rowArrays: points)
        mean = []
        standardDeviation = []
        labels = []
        ambiguous = []
        for (k, model) in models.enumerated() {
            let (m, v) = model.posterior(at: matrix)
            let s = v.map { max($0, 0).squareRoot() }
            mean.append(m)
            standardDeviation.append(s)
            labels.append(m.map { problem.label($0, output: k) })
            ambiguous.append(m.indices.map { i in problem.thresholds[k].contains { abs(m[i] - $0) < 1.96 * s[i] } })
        }
    }

    /// Fraction of grid points whose class is still ambiguous for some output.
    public var ambiguousFraction: Double {
        guard !points.isEmpty else { return 0 }
        let count = points.indices.filter { i in ambiguous.contains { $0[i] } }.count
        return Double(count) / Double(points.count)
    }

    /// Fraction of grid points above the lowest threshold of output `k`.
    public func fractionAbove(output k: Int) -> Double {
        guard !points.isEmpty else { return 0 }
        return Double(labels[k].filter { $0 > 0 }.count) / Double(points.count)
    }

    /// CSV: the inputs, then per output its mean, standard deviation, class and ambiguity.
    public func csv(inputNames: [String], outputNames: [String]) -> String {
        var header = inputNames
        for name in outputNames { header += ["\(name)_mean", "\(name)_sd", "\(name)_class", "\(name)_ambiguous"] }
        var lines = [header.joined(separator: ",")]
        for i in points.indices {
            var row = points[i].map { "\($0)" }
            for k in mean.indices {
                row += ["\(mean[k][i])", "\(standardDeviation[k][i])", "\(labels[k][i])", ambiguous[k][i] ? "1" : "0"]
            }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
