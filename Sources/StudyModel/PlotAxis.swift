import Foundation
import Memberwise

/// One axis of a plot: its range, scale and tick marks with readable labels.
///
/// The one axis rule of ParetoPilot's pictures, used by `study plot` (SVG) and sent to the
/// dashboard, whose script draws what it is given. Linear ticks step by 1, 2 or 5 times a power of
/// ten; a range of positive values spanning two decades or more gets a log axis with a tick per
/// decade (or per 1-2-5 within a decade when it spans fewer than three).
@MemberwiseInit
public struct PlotAxis: Sendable, Codable, Equatable {
    /// How values map to positions.
    public enum Scale: String, NamedCases {
        case linear
        case log
    }

    /// A tick mark: where, and what it says.
    @MemberwiseInit
    public struct Tick: Sendable, Codable, Equatable {
        public var value: Double
        public var label: String
    }

    public var scale: Scale
    /// The smallest value shown.
    public var lower: Double
    /// The largest value shown.
    public var upper: Double
    public var ticks: [Tick]

    /// The axis for `values` (non-finite values ignored): log when `allowLog`, every value is
    /// positive and the largest is at least 100 times the smallest; else linear, widened to whole
    /// tick steps around the values. `targetTicks` is about how many ticks a linear axis gets.
    public static func fitted(to values: [Double], allowLog: Bool = true, targetTicks: Int = 5) -> PlotAxis {
        let finite = values.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else {
            return linear(lower: 0, upper: 1, targetTicks: targetTicks)
        }
        if allowLog, low > 0, high / low >= 100 { return logarithmic(lower: low, upper: high) }
        if high == low {
            let pad = high == 0 ? 1 : abs(high) * 0.1
            low -= pad
            high += pad
        }
        return linear(lower: low, upper: high, targetTicks: targetTicks)
    }

    /// A linear axis over `lower ... upper`, widened to whole steps of a 1-2-5 tick spacing (of at
    /// least 1 for a count, such as trials, when `integer`).
    public static func linear(lower: Double, upper: Double, targetTicks: Int = 5, integer: Bool = false) -> PlotAxis {
        var step = niceStep((upper - lower) / Double(max(targetTicks, 2)))
        if integer { step = max(step, 1) }
        let first = (lower / step).rounded(.down)
        let last = (upper / step).rounded(.up)
        let count = Int(last - first)
        let decimals = max(0, -Int((log10(step)).rounded(.down)))
        var ticks: [Tick] = []
        for k in 0...max(count, 1) {
            let value = (first + Double(k)) * step
            ticks.append(Tick(value: value, label: label(value, step: step, decimals: decimals)))
        }
        return PlotAxis(scale: .linear, lower: first * step, upper: ticks.last!.value, ticks: ticks)
    }

    /// A linear axis from 0 to the largest of `values` (to 1 when none is positive): for
    /// quantities such as hypervolume that start at nothing.
    public static func fromZero(to values: [Double]) -> PlotAxis {
        let top = values.filter(\.isFinite).max() ?? 0
        return linear(lower: 0, upper: top > 0 ? top : 1)
    }

    /// A log axis from the decade below `lower` to the decade above `upper`: a tick per decade, or
    /// at 1, 2 and 5 of each decade when the range spans fewer than three.
    public static func logarithmic(lower: Double, upper: Double) -> PlotAxis {
        let firstDecade = Int(log10(lower).rounded(.down))
        let lastDecade = max(Int(log10(upper).rounded(.up)), firstDecade + 1)
        var ticks: [Tick] = []
        let mantissas: [Double] = lastDecade - firstDecade < 3 ? [1, 2, 5] : [1]
        for decade in firstDecade...lastDecade {
            for m in mantissas {
                let value = m * pow(10, Double(decade))
                if decade == lastDecade && m > 1 { break }
                ticks.append(Tick(value: value, label: logLabel(m, decade)))
            }
        }
        return PlotAxis(
            scale: .log,
            lower: pow(10, Double(firstDecade)),
            upper: pow(10, Double(lastDecade)),
            ticks: ticks
        )
    }

    /// The position of `value` on the axis, 0 at ``lower`` and 1 at ``upper`` (outside for values
    /// beyond them; non-positive values on a log axis sit at 0).
    public func position(_ value: Double) -> Double {
        switch scale {
        case .linear:
            return upper > lower ? (value - lower) / (upper - lower) : 0.5
        case .log:
            guard value > 0 else { return 0 }
            return (log10(value) - log10(lower)) / max(log10(upper) - log10(lower), 1e-300)
        }
    }

    /// The 1-2-5 step at or above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let exponent = (log10(raw)).rounded(.down)
        let base = pow(10, exponent)
        let fraction = raw / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * base
    }

    /// `value` with as many decimals as the step needs; exponent notation for very large or small
    /// magnitudes. Zero is "0", never "-0" or "1.2e-17".
    static func label(_ value: Double, step: Double, decimals: Int) -> String {
        if abs(value) < step * 1e-6 { return "0" }
        let magnitude = max(abs(value), step)
        if magnitude >= 1e5 || step < 1e-4 {
            let digits = max(0, Int(log10(magnitude).rounded(.down)) - Int(log10(step).rounded(.down)))
            return trimmedExponent(String(format: "%.\(min(digits, 6))e", value))
        }
        return String(format: "%.\(decimals)f", value)
    }

    static func logLabel(_ mantissa: Double, _ decade: Int) -> String {
        let value = mantissa * pow(10, Double(decade))
        if decade >= -3 && decade <= 4 {
            return decade >= 0 ? String(format: "%.0f", value) : String(format: "%.\(-decade)f", value)
        }
        return mantissa == 1 ? "1e\(decade)" : "\(Int(mantissa))e\(decade)"
    }

    /// `1.50e+06` → `1.5e6`, `2.00e-05` → `2e-5`.
    static func trimmedExponent(_ text: String) -> String {
        guard let e = text.firstIndex(of: "e") else { return text }
        var mantissa = String(text[..<e])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return "\(mantissa)e\(exponent)"
    }
}
