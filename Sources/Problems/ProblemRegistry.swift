/// The test problems by name, for the CLI and the benchmarks.
public enum ProblemRegistry {
    /// The names `problem(named:)` accepts.
    public static let names = [
        "branincurrin", "dtlz1", "dtlz2", "zdt1", "zdt2", "zdt3", "vehiclesafety", "c2dtlz2", "carsideimpact",
        "toytracker", "mixeddtlz2",
    ]

    /// The problem called `name`, with an input dimension and number of objectives where the problem
    /// family takes them (DTLZ defaults to d = 6, M = 2; ZDT to d = 4); nil for an unknown name.
    ///
    /// - Throws: ``ProblemError`` when the dimension or objective count does not fit the family.
    public static func problem(
        named name: String,
        dimension: Int? = nil,
        objectives: Int? = nil
    ) throws(ProblemError) -> (any TestProblem)? {
        let key = name.lowercased()
        func fixed(_ problem: any TestProblem) throws(ProblemError) -> any TestProblem {
            if let dimension, dimension != problem.dimension {
                throw ProblemError("\(key) has \(problem.dimension) inputs; --dim \(dimension) does not apply")
            }
            if let objectives, objectives != problem.objectiveCount {
                throw ProblemError(
                    "\(key) has \(problem.objectiveCount) objectives; --num-objectives \(objectives) does not apply"
                )
            }
            return problem
        }
        func dtlz(_ make: (Int, Int) -> any TestProblem) throws(ProblemError) -> any TestProblem {
            let m = objectives ?? 2
            let d = dimension ?? max(6, m + 1)
            guard m >= 2, d > m else {
                throw ProblemError("\(key) needs --dim > --num-objectives >= 2, got d=\(d), M=\(m)")
            }
            return make(d, m)
        }
        func zdt(_ variant: ZDT.Variant) throws(ProblemError) -> any TestProblem {
            if let objectives, objectives != 2 { throw ProblemError("\(key) has 2 objectives") }
            let d = dimension ?? 4
            guard d >= 2 else { throw ProblemError("\(key) needs --dim >= 2") }
            return ZDT(variant, dimension: d)
        }
        switch key {
        case "branincurrin": return try fixed(BraninCurrin())
        case "vehiclesafety": return try fixed(VehicleSafety())
        case "carsideimpact": return try fixed(CarSideImpact())
        case "mixeddtlz2": return try fixed(MixedDTLZ2())
        case "toytracker":
            if let dimension, dimension != 5 { throw ProblemError("toytracker has 5 inputs") }
            let count = objectives ?? 3
            guard (1...3).contains(count) else { throw ProblemError("toytracker has 1 to 3 objectives") }
            return ToyTracker(objectives: Array(ToyTracker.allObjectives.prefix(count)))
        case "dtlz1": return try dtlz { DTLZ1(dimension: $0, objectives: $1) }
        case "dtlz2": return try dtlz { DTLZ2(dimension: $0, objectives: $1) }
        case "c2dtlz2": return try dtlz { C2DTLZ2(dimension: $0, objectives: $1) }
        case "zdt1": return try zdt(.one)
        case "zdt2": return try zdt(.two)
        case "zdt3": return try zdt(.three)
        default: return nil
        }
    }
}

/// A problem asked for with settings it does not have.
public struct ProblemError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
