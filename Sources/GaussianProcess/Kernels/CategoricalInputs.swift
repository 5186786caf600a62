/// Which inputs of a GP are categorical, and how the kernel sees them.
///
/// A categorical input with `C` choices holds the choice index `0 ..< C` (in the model's
/// normalised units `index / (C - 1)`, as the bounds `0 ... C-1` map it). Its contribution to the
/// kernel's scaled squared distance is the overlap (Hamming) term `[x_j ≠ x'_j] / ℓ_j²` instead of
/// `((x_j - x'_j) / ℓ_j)²`: choices are equally far apart whatever their index order.
///
/// Implementation: the input is embedded as `C` one-hot columns scaled by `1 / (ℓ_j √2)`, whose
/// squared Euclidean distance is exactly that term, so covariance matrices still come from one BLAS
/// product and every stationary kernel stays positive definite (it is the same kernel on the
/// embedded space). With the RBF kernel this is the product of an RBF on the continuous inputs and
/// BoTorch's `CategoricalKernel` (`exp(-mean_j [x_j ≠ x'_j] / λ_j)` with `λ_j = 2 ℓ_j² / c` for
/// `c` categorical inputs); with Matérn-5/2 it is Optuna's `GPSampler` kernel.
public struct CategoricalInputs: Sendable, Equatable, Codable {
    /// One categorical input: its column and its number of choices (at least 2).
    public struct Input: Sendable, Equatable, Codable {
        public var dimension: Int
        public var choices: Int

        public init(dimension: Int, choices: Int) {
            self.dimension = dimension
            self.choices = choices
        }
    }

    /// The categorical inputs, in increasing column order.
    public let inputs: [Input]

    /// Categorical inputs from `(dimension, choices)` pairs; any order, each dimension once.
    public init(_ inputs: [Input]) {
        self.inputs = inputs.sorted { $0.dimension < $1.dimension }
    }

    /// No categorical input: every input is continuous (or ordinal).
    public static let none = CategoricalInputs([])

    /// True when no input is categorical.
    public var isEmpty: Bool { inputs.isEmpty }

    /// Number of one-hot columns the embedding appends.
    var embeddedColumnCount: Int { inputs.reduce(0) { $0 + $1.choices } }

    /// Whether column `j` is categorical.
    func contains(_ j: Int) -> Bool { inputs.contains { $0.dimension == j } }

    /// The choice index of a normalised coordinate `value` (`index / (choices - 1)`), rounded and clamped.
    static func level(ofNormalized value: Double, choices: Int) -> Int {
        let index = (value * Double(choices - 1)).rounded()
        guard index.isFinite else { return 0 }
        return Int(min(max(index, 0), Double(choices - 1)))
    }

    /// Checks the description against `dimension` inputs.
    func validate(dimension: Int) throws(GPError) {
        var seen = Set<Int>()
        for input in inputs {
            guard (0..<dimension).contains(input.dimension) else {
                throw .invalid(
                    "categorical",
                    "categorical input \(input.dimension) is not one of the \(dimension) dimensions"
                )
            }
            guard input.choices >= 2 else {
                throw .invalid("categorical", "categorical input \(input.dimension) needs at least 2 choices")
            }
            guard seen.insert(input.dimension).inserted else {
                throw .invalid("categorical", "categorical input \(input.dimension) is listed twice")
            }
        }
    }
}
