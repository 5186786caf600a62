#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ToyTracker: a barrel silicon tracker in a solenoid, the built-in detector-design problem.
///
/// Parameters: number of barrel layers `N` (integer, 3...10), outer radius `R_out` (0.20...0.80 m;
/// inner radius fixed at 0.04 m, lever arm `L = R_out - R_in`), hit resolution `σ_hit`
/// (5...40 µm), material per layer `x/X0` (0.0005...0.01) and field `B` (0.5...3.0 T).
///
/// Objectives (all minimised):
/// - `resolution`: relative transverse-momentum resolution at `p_T = 10 GeV`,
///   `sqrt(a² + m²)` with the Gluckstern curvature term
///   `a = (σ_hit / L²) sqrt(A_N) p_T / (0.3 B)`, `A_N = 720 (N-1)³ / ((N-2) N (N+1) (N+2))`, and the
///   multiple-scattering term `m = 0.016 sqrt(N x/X0) / (0.3 B L β)` for pions;
/// - `lowpt_resolution`: the same at `p_T = 0.5 GeV`;
/// - `cost` (M$): silicon at 1 M$/m² over `A_Si = Σ_i 4π sinh(1) r_i²` (layers evenly spaced from
///   `R_in` to `R_out`) plus the magnet, `0.523 E^0.662` with stored energy
///   `E = (B² / 2μ0) π R_m² l_m` in MJ, `R_m = R_out + 0.1 m`, `l_m = 2 R_m sinh(1) + 0.2 m`.
///
/// Constraint: the layers need room, `L >= 0.02 (N - 1)` m.
public struct ToyTracker: TestProblem {
    /// The objectives this instance reports, a subset of ``allObjectives``, in order.
    public let objectiveNames: [String]
    public static let allObjectives = ["resolution", "lowpt_resolution", "cost"]

    static let innerRadius = 0.04
    static let pionMass = 0.13957
    static let vacuumPermeability = 4e-7 * Double.pi

    /// A ToyTracker reporting `objectives` (default: all three).
    public init(objectives: [String] = ToyTracker.allObjectives) {
        precondition(
            objectives.allSatisfy(Self.allObjectives.contains),
            "ToyTracker: unknown objective in \(objectives)"
        )
        self.objectiveNames = objectives
    }

    public var name: String { "toytracker" }
    public var dimension: Int { 5 }
    public var parameterNames: [String] { ["layers", "outer_radius_m", "hit_resolution_um", "material_x0", "field_t"] }
    public var lowerBounds: [Double] { [3, 0.20, 5, 0.0005, 0.5] }
    public var upperBounds: [Double] { [10, 0.80, 40, 0.01, 3.0] }
    public var parameterKinds: [ParameterKind] { [.integer, .continuous, .continuous, .continuous, .continuous] }
    public var referencePoint: [Double] {
        objectiveNames.map { ["resolution": 0.1, "lowpt_resolution": 0.1, "cost": 40.0][$0]! }
    }
    public var maximumHypervolume: Double? { nil }
    public var constraintCount: Int { 1 }

    public func evaluate(_ x: [Double]) -> [Double] {
        let values = Self.allValues(x)
        return objectiveNames.map { values[$0]! }
    }

    public func constraints(_ x: [Double]) -> [Double] {
        let layers = x[0].rounded()
        return [0.02 * (layers - 1) - (x[1] - Self.innerRadius)]
    }

    /// Every ToyTracker quantity at `x` (layers rounded to the nearest integer).
    public static func allValues(_ x: [Double]) -> [String: Double] {
        let n = min(max(x[0].rounded(), 3), 10)
        let outer = x[1]
        let hit = x[2] * 1e-6
        let material = x[3]
        let field = x[4]
        let lever = outer - innerRadius
        let gluckstern = 720 * pow(n - 1, 3) / ((n - 2) * n * (n + 1) * (n + 2))
        func resolution(pt: Double) -> Double {
            let curvature = hit / (lever * lever) * gluckstern.squareRoot() * pt / (0.3 * field)
            let beta = pt / (pt * pt + pionMass * pionMass).squareRoot()
            let scattering = 0.016 * (n * material).squareRoot() / (0.3 * field * lever * beta)
            return (curvature * curvature + scattering * scattering).squareRoot()
        }
        var area = 0.0
        let layers = Int(n)
        for i in 0..<layers {
            let r = innerRadius + Double(i) * lever / (n - 1)
            area += 4 * Double.pi * sinh(1) * r * r
        }
        let magnetRadius = outer + 0.1
        let magnetLength = 2 * magnetRadius * sinh(1) + 0.2
        let energy =
            field * field / (2 * vacuumPermeability) * Double.pi * magnetRadius * magnetRadius * magnetLength / 1e6
        return [
            "resolution": resolution(pt: 10),
            "lowpt_resolution": resolution(pt: 0.5),
            "cost": area + 0.523 * pow(energy, 0.662),
            "silicon_area_m2": area,
            "magnet_energy_mj": energy,
        ]
    }
}
