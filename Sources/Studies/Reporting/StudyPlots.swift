import Foundation
import Memberwise
import StudyModel

/// SVG plots of a study that a browser shows: the objectives of every completed trial with the
/// Pareto front highlighted (one panel per pair of objectives), and the hypervolume against trials.
@MemberwiseInit
public struct StudyPlots: Sendable {
    public let report: StudyReport

    /// File names and SVG texts.
    public var files: [(String, String)] {
        var result: [(String, String)] = []
        let names = report.specification.objectives.map(\.name)
        if names.count >= 2 {
            for i in 0..<names.count {
                for j in (i + 1)..<names.count {
                    result.append(("front_\(names[i])_\(names[j]).svg", scatter(i, j)))
                }
            }
        }
        result.append(("hypervolume.svg", hypervolume()))
        return result
    }

    private struct Frame {
        let width = 560.0
        let height = 400.0
        let left = 80.0
        let right = 20.0
        let top = 30.0
        let bottom = 50.0
        let xAxis: PlotAxis
        let yAxis: PlotAxis

        func x(_ v: Double) -> Double { left + xAxis.position(v) * (width - left - right) }
        func y(_ v: Double) -> Double { height - bottom - yAxis.position(v) * (height - top - bottom) }

        func axes(title: String, xLabel: String, yLabel: String) -> [String] {
            var out = [
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
                "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                "<text x=\"\(left)\" y=\"18\" font-size=\"14\">\(escape(title))</text>",
                "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>",
                "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>",
                "<text x=\"\((left + width - right) / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(escape(xLabel + (xAxis.scale == .log ? " (log)" : "")))</text>",
                "<text transform=\"translate(16,\((top + height - bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel + (yAxis.scale == .log ? " (log)" : "")))</text>",
            ]
            for tick in xAxis.ticks {
                let px = x(tick.value)
                out.append(
                    "<line x1=\"\(px)\" y1=\"\(height - bottom)\" x2=\"\(px)\" y2=\"\(height - bottom + 4)\" stroke=\"black\"/>"
                )
                out.append(
                    "<text x=\"\(px)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(escape(tick.label))</text>"
                )
            }
            for tick in yAxis.ticks {
                let py = y(tick.value)
                out.append("<line x1=\"\(left - 4)\" y1=\"\(py)\" x2=\"\(left)\" y2=\"\(py)\" stroke=\"black\"/>")
                out.append(
                    "<text x=\"\(left - 6)\" y=\"\(py + 4)\" text-anchor=\"end\">\(escape(tick.label))</text>"
                )
            }
            return out
        }

        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
    }

    private func scatter(_ i: Int, _ j: Int) -> String {
        let objectives = report.specification.objectives
        let front = Set(report.paretoTrials)
        let points = report.trials.compactMap { trial -> (Double, Double, Bool, Bool)? in
            guard let outputs = trial.outputs, let a = outputs[objectives[i].name], let b = outputs[objectives[j].name]
            else { return nil }
            return (a, b, front.contains(trial.number), report.isFeasible(trial))
        }
        let frame = Frame(xAxis: .fitted(to: points.map(\.0)), yAxis: .fitted(to: points.map(\.1)))
        var out = frame.axes(
            title: "\(report.specification.name): \(points.count) trials, Pareto front in red",
            xLabel: "\(objectives[i].name) (\(objectives[i].direction.rawValue))",
            yLabel: "\(objectives[j].name) (\(objectives[j].direction.rawValue))"
        )
        for (a, b, onFront, feasible) in points where !onFront {
            out.append(
                "<circle cx=\"\(frame.x(a))\" cy=\"\(frame.y(b))\" r=\"3\" fill=\"\(feasible ? "#999" : "none")\" stroke=\"#999\"/>"
            )
        }
        for (a, b, onFront, _) in points where onFront {
            out.append("<circle cx=\"\(frame.x(a))\" cy=\"\(frame.y(b))\" r=\"4\" fill=\"#d62728\"/>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private func hypervolume() -> String {
        let history = report.hypervolumeHistory
        let frame = Frame(
            xAxis: .linear(lower: 0, upper: Double(max(history.count, 1)), integer: true),
            yAxis: .fromZero(to: history.map(\.hypervolume))
        )
        var out = frame.axes(
            title: "\(report.specification.name): hypervolume",
            xLabel: "trials",
            yLabel: "hypervolume"
        )
        let path = history.map { "\(frame.x(Double($0.trials))),\(frame.y($0.hypervolume))" }.joined(separator: " ")
        out.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"\(path)\"/>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
