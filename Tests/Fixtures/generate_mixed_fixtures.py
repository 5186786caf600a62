#!/usr/bin/env python3
"""Generate oracle fixtures for ParetoPilot's categorical (overlap) kernel.

What it generates
-----------------
``Tests/Fixtures/mixed_kernel_oracles.json``: for small mixed datasets (two
continuous inputs in [0, 1], categorical inputs held as choice indices) and
FIXED, hand-set hyperparameters (nothing is fitted), the posterior mean and
variance at test points and the log marginal likelihood of two independent
implementations of a GP whose kernel compares categorical inputs by overlap:

* ``botorch_rbf_*``: BoTorch's product of an RBF kernel on the continuous
  inputs and its ``CategoricalKernel`` on the categorical ones,
      k(x, x') = s * exp(-0.5 sum_c ((x_c - x'_c) / l_c)^2)
                   * exp(-mean_j [x_j != x'_j] / lambda_j),
  i.e. ``ScaleKernel(RBFKernel(active_dims=cont) * CategoricalKernel(active_dims=cat))``,
  the categorical part of ``MixedSingleTaskGP``'s kernel (botorch 0.18.1,
  gpytorch 1.15.2). ParetoPilot's RBF with overlap distance is this kernel with
  its categorical lengthscales l_j = sqrt(lambda_j * c / 2) (c categorical inputs).
* ``optuna_matern_*``: Optuna's ``GPSampler`` regressor (optuna 5.0.0,
  ``optuna._gp.gp.GPRegressor``): Matern-5/2 of the squared distance in which
  a categorical input contributes int(x_j != x'_j) / l_j^2.

Both use a zero mean and a homoskedastic noise variance; outputs are
standardised (mean 0, unbiased std 1) beforehand; inputs are used as given
(continuous in [0, 1], categorical as indices 0 .. C-1).

JSON layout
-----------
  generator : str, notes : list of str,
  cases : list of objects with
    name, library ("botorch" | "optuna"), kernel ("rbf" | "matern52"),
    choices : number of choices per input (0 = continuous),
    inputs (n x d rows), outputs (n), test_inputs (m x d rows),
    lengthscales : per input, in the LIBRARY's parameterisation
                   (BoTorch: l for continuous, lambda for categorical;
                    Optuna: l = 1/sqrt(inverse_squared_lengthscale)),
    outputscale, noise (variance),
    posterior_mean (m), posterior_variance (m, latent, noise excluded),
    log_marginal_likelihood : log N(outputs; 0, K + noise I), summed.

How to run (from the package root; a few seconds on CPU)
--------------------------------------------------------
    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install botorch==0.18.1 optuna==5.0.0
    /tmp/peers/bin/python Tests/Fixtures/generate_mixed_fixtures.py
"""

import math
import os
import warnings

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")

import botorch  # noqa: E402
import gpytorch  # noqa: E402
import optuna  # noqa: E402
from botorch.models import SingleTaskGP  # noqa: E402
from botorch.models.kernels.categorical import CategoricalKernel  # noqa: E402
from gpytorch.kernels import RBFKernel, ScaleKernel  # noqa: E402
from gpytorch.likelihoods import GaussianLikelihood  # noqa: E402
from optuna._gp.gp import GPRegressor  # noqa: E402
from fixture_io import write_fixture

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mixed_kernel_oracles.json")
SEED = 20261201

# name, library, n, choices per input, lengthscales (library's), outputscale, noise
CASES = [
    ("botorch_rbf_c3c4", "botorch", 14, [0, 0, 3, 4], [0.35, 0.8, 0.6, 1.7], 1.4, 0.01),
    ("botorch_rbf_c5", "botorch", 18, [0, 0, 5], [0.2, 1.5, 0.3], 0.8, 0.003),
    ("optuna_matern_c3c4", "optuna", 14, [0, 0, 3, 4], [0.4, 0.9, 0.7, 2.2], 1.2, 0.02),
    ("optuna_matern_c2c5", "optuna", 18, [0, 0, 2, 5], [0.25, 0.6, 1.1, 0.45], 2.0, 0.005),
]
TEST_POINTS = 8


def make_inputs(rng, n, choices):
    columns = []
    for c in choices:
        if c == 0:
            columns.append(rng.uniform(size=n))
        else:
            columns.append(rng.integers(0, c, size=n).astype(float))
    return np.stack(columns, axis=1)


def make_outputs(rng, X, choices):
    # A smooth function of the continuous inputs plus an unordered effect per choice.
    y = np.sin(3.0 * X[:, 0]) + (X[:, 1] - 0.4) ** 2
    for j, c in enumerate(choices):
        if c:
            effects = rng.normal(size=c)
            y = y + effects[X[:, j].astype(int)]
    y = y + 0.05 * rng.normal(size=len(y))
    return (y - y.mean()) / y.std(ddof=1)


def log_mvn(K, y):
    L = np.linalg.cholesky(K)
    a = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return float(-0.5 * y @ a - np.log(np.diag(L)).sum() - 0.5 * len(y) * math.log(2 * math.pi))


def botorch_case(X, y, T, choices, lengthscales, outputscale, noise):
    cont = [j for j, c in enumerate(choices) if c == 0]
    cat = [j for j, c in enumerate(choices) if c]
    rbf = RBFKernel(ard_num_dims=len(cont), active_dims=cont)
    categorical = CategoricalKernel(ard_num_dims=len(cat), active_dims=cat)
    covar = ScaleKernel(rbf * categorical)
    likelihood = GaussianLikelihood()
    Xt, yt, Tt = torch.tensor(X), torch.tensor(y), torch.tensor(T)
    model = SingleTaskGP(Xt, yt.unsqueeze(-1), covar_module=covar, likelihood=likelihood, outcome_transform=None)
    with torch.no_grad():
        rbf.lengthscale = torch.tensor([lengthscales[j] for j in cont])
        categorical.lengthscale = torch.tensor([lengthscales[j] for j in cat])
        covar.outputscale = torch.tensor(outputscale)
        likelihood.noise = torch.tensor([noise])
        model.mean_module.constant.fill_(0.0)
    model.eval()
    with torch.no_grad():
        posterior = model.posterior(Tt)
        mean = posterior.mean.squeeze(-1).numpy()
        variance = posterior.variance.squeeze(-1).numpy()
        K = covar(Xt).to_dense().numpy()
    lml = log_mvn(K + noise * np.eye(len(y)), y)
    # Cross-check the kernel against its closed form.
    for a in range(len(y)):
        for b in range(len(y)):
            r2 = sum(((X[a, j] - X[b, j]) / lengthscales[j]) ** 2 for j in cont)
            overlap = np.mean([(X[a, j] != X[b, j]) / lengthscales[j] for j in cat])
            expected = outputscale * math.exp(-0.5 * r2) * math.exp(-overlap)
            assert abs(K[a, b] - expected) < 1e-12, (a, b, K[a, b], expected)
    return mean, variance, lml


def optuna_case(X, y, T, choices, lengthscales, outputscale, noise):
    is_categorical = torch.tensor([c > 0 for c in choices])
    gpr = GPRegressor(
        is_categorical=is_categorical,
        X_train=torch.tensor(X),
        y_train=torch.tensor(y),
        inverse_squared_lengthscales=torch.tensor([1.0 / l**2 for l in lengthscales]),
        kernel_scale=torch.tensor(outputscale),
        noise_var=torch.tensor(noise),
    )
    gpr._cache_matrix()
    with torch.no_grad():
        mean, variance = gpr.posterior(torch.tensor(T))
        # Optuna leaves out the constant -n/2 log 2 pi (it does not move the optimum).
        lml = float(gpr.marginal_log_likelihood()) - 0.5 * len(y) * math.log(2 * math.pi)
    return mean.numpy(), variance.numpy(), lml


def main():
    rng = np.random.default_rng(SEED)
    cases = []
    for name, library, n, choices, lengthscales, outputscale, noise in CASES:
        X = make_inputs(rng, n, choices)
        y = make_outputs(rng, X, choices)
        T = make_inputs(rng, TEST_POINTS, choices)
        run = botorch_case if library == "botorch" else optuna_case
        mean, variance, lml = run(X, y, T, choices, lengthscales, outputscale, noise)
        cases.append(
            {
                "name": name,
                "library": library,
                "kernel": "rbf" if library == "botorch" else "matern52",
                "choices": choices,
                "inputs": X.tolist(),
                "outputs": y.tolist(),
                "test_inputs": T.tolist(),
                "lengthscales": lengthscales,
                "outputscale": outputscale,
                "noise": noise,
                "posterior_mean": [float(v) for v in mean],
                "posterior_variance": [float(v) for v in variance],
                "log_marginal_likelihood": lml,
            }
        )
    document = {
        "generator": f"generate_mixed_fixtures.py: botorch {botorch.__version__}, gpytorch {gpytorch.__version__}, "
        f"optuna {optuna.__version__}, torch {torch.__version__}, numpy {np.__version__}",
        "notes": [
            "Fixed hyperparameters, zero mean, homoskedastic noise; outputs standardised beforehand.",
            "BoTorch categorical lengthscales are CategoricalKernel's lambda (exp(-mean_j delta_j / lambda_j)).",
            "Optuna lengthscales are 1/sqrt(inverse_squared_lengthscales).",
        ],
        "cases": cases,
    }
    write_fixture(OUT, document, f"{len(cases)} cases")


if __name__ == "__main__":
    main()
