/// How an excursion-set study chooses its next evaluations. Every criterion builds batches by
/// kriging believer: the models are conditioned on the designs already chosen (at their predicted
/// means) before the next is chosen, which for the variance-based criteria is exact (a GP's
/// variance does not depend on the values observed).
public enum LevelSetCriterion: String, Sendable, CaseIterable {
    /// `1.96 σ - |μ - t|` (Bryan et al. 2005), maximised by quasi-Newton; the largest over outputs
    /// and thresholds.
    case straddle
    /// Targeted mean squared error (Picheny et al. 2010): `σ² · N(μ - t; 0, σ² + ε²)`, with `ε` 1% of
    /// the spread of the observed values, over quasi-random candidates.
    case tmse
    /// The `excursion` package's criterion: the mutual information between the value at the
    /// candidate and the threshold labels on a grid, averaged over the grid (a Gaussian
    /// approximation of the conditional entropy, as that package computes it).
    case entropy
    /// Stepwise uncertainty reduction (Chevalier et al. 2014): the candidate that most lowers the
    /// expected number of misclassified grid points `Σ_g Φ(-|μ_g - t| / σ_g)` once its value is
    /// known; batches are chosen greedily on the conditioned variances (a batch SUR).
    case sur
    /// Quasi-random (Sobol) designs: the baseline with no model in the loop.
    case uniform
}
