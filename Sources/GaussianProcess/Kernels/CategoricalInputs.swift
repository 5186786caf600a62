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
public struct CategoricalInputs: Sendable, Equatable {
    /// The number of choices (at least 2) of each categorical input, by column.
    public let choices: [Int: Int]
    /// The same, in increasing column order.
    let inputs: [(dimension: Int, choices: Int)]

    /// Categorical inputs: column -> number of choices.
    public init(choices: [Int: Int]) {
        self.choices = choices
        self.inputs = choices.sorted { $0.key < $1.key }.map { (dimension: $0.key, choices: $0.value) }
    }

    /// No categorical input: every input is continuous (or ordinal).
    public static let none = CategoricalInputs(choices: [:])

    public static func == (a: CategoricalInputs, b: CategoricalInputs) -> Bool { a.choices == b.choices }

    /// True when no input is categorical.
    public var isEmpty: Bool { inputs.isEmpty }

    /// Number of one-hot columns the embedding appends.
    var embeddedColumnCount: Int { inputs.reduce(0) { $0 + $1.choices } }

    /// The choice index of a normalised coordinate `value` (`index / (choices - 1)`), rounded and clamped.
    static func level(ofNormalized value: Double, choices: Int) -> Int {
        let index = (value * Double(choices - 1)).rounded()
        guard index.isFinite else { return 0 }
        return Int(min(max(index, 0), Double(choices - 1)))
    }

    /// Checks the description against `dimension` inputs.
    func validate(dimension: Int) throws(GPError) {
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
        }
    }
}
