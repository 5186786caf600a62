/// How the models of a ``BayesianOptimizer`` see a categorical parameter.
public enum CategoricalEncoding: String, Sendable, Equatable, CaseIterable {
    /// Choices compared by overlap: the kernel's distance adds `[x_j ≠ x'_j] / ℓ_j²`
    /// (``GaussianProcess/CategoricalInputs``), whatever the order of the choices; the acquisition
    /// is maximised over the choices (sweeps between continuous searches, or every design of a
    /// fully discrete space).
    case overlap
    /// The choice index as an ordinal number, optimised relaxed and then rounded, like an integer.
    case ordinal
}
