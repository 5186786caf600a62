import StudyModel
import Testing

@Suite("Plot axes: readable ticks, log scales for ranges over decades")
struct PlotAxisTests {
    @Test(
        "Linear ticks step by 1, 2 or 5 times a power of ten and cover the values",
        arguments: [
            ([-0.0149, 0.0769], ["-0.02", "0", "0.02", "0.04", "0.06", "0.08"]),
            ([0.0, 1.0], ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
            ([3.0, 97.0], ["0", "20", "40", "60", "80", "100"]),
            ([1.2e6, 3.4e6], ["1e6", "1.5e6", "2e6", "2.5e6", "3e6", "3.5e6"]),
            ([-5.0, 5.0], ["-6", "-4", "-2", "0", "2", "4", "6"]),
        ]
    )
    func linearTicks(values: [Double], labels: [String]) {
        let axis = PlotAxis.fitted(to: values)
        #expect(axis.scale == .linear)
        #expect(axis.ticks.map(\.label) == labels)
        #expect(axis.lower <= values.min()! && axis.upper >= values.max()!)
    }

    @Test("Positive values spanning two decades or more get a log axis with a tick per decade; fewer stay linear")
    func logarithmicWhenSpanningDecades() {
        let wide = PlotAxis.fitted(to: [0.003, 0.2, 47])
        #expect(wide.scale == .log)
        #expect(wide.ticks.map(\.label) == ["0.001", "0.01", "0.1", "1", "10", "100"])
        #expect(abs(wide.position(0.001)) < 1e-12 && abs(wide.position(100) - 1) < 1e-12)
        #expect(abs(wide.position(1) - 0.6) < 1e-12)
        let narrow = PlotAxis.fitted(to: [0.5, 40])  // a factor 80: linear
        #expect(narrow.scale == .linear)
        let twoDecades = PlotAxis.logarithmic(lower: 2, upper: 90)
        #expect(twoDecades.ticks.map(\.label) == ["1", "2", "5", "10", "20", "50", "100"])
        let huge = PlotAxis.fitted(to: [1e-9, 1e-2])
        #expect(huge.ticks.first?.label == "1e-9" && huge.ticks.last?.label == "0.01")
        #expect(!PlotAxis.fitted(to: [0.003, 47], allowLog: false).ticks.isEmpty)
    }

    @Test("Degenerate inputs give a usable axis: one value, no values, non-finite values")
    func degenerateInputs() {
        let one = PlotAxis.fitted(to: [2.5])
        #expect(one.lower < 2.5 && one.upper > 2.5 && one.ticks.count >= 2)
        let none = PlotAxis.fitted(to: [])
        #expect(none.lower == 0 && none.upper == 1)
        let mixed = PlotAxis.fitted(to: [.nan, 1, .infinity, 3])
        #expect(mixed.lower <= 1 && mixed.upper >= 3)
        #expect(PlotAxis.fitted(to: [0, 0]).ticks.count >= 2)
    }
}

@Suite("Plot axes for counts")
struct PlotAxisCountTests {
    @Test("A count axis (trials) never gets fractional ticks")
    func countAxisHasWholeTicks() {
        let axis = PlotAxis.linear(lower: 0, upper: 3, integer: true)
        #expect(axis.ticks.map(\.label) == ["0", "1", "2", "3"])
        #expect(PlotAxis.linear(lower: 0, upper: 1, integer: true).ticks.map(\.label) == ["0", "1"])
        #expect(PlotAxis.linear(lower: 0, upper: 1).ticks.map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }
}
