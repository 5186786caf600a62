#!/usr/bin/env python3
"""Generate Gaussian-process oracle fixtures for ParetoPilot's GP tests.

What it generates
-----------------
``Tests/Fixtures/gp_sklearn.json``: exact GP posterior values computed with
scikit-learn's ``GaussianProcessRegressor`` (fixed hyperparameters, no
optimisation), used as an oracle for the Swift GP implementation.

For every case the GP is

    k(x, x') = outputscale * base(r),  r = || (x - x') / lengthscales ||  (ARD)
    base = Matern nu=5/2: (1 + sqrt(5) r + 5/3 r^2) exp(-sqrt(5) r)   ("matern52")
    base = RBF:           exp(-r^2 / 2)                               ("rbf")

    sklearn: ConstantKernel(outputscale, constant_value_bounds="fixed")
             * Matern(length_scale=lengthscales, nu=2.5, length_scale_bounds="fixed")
             (or * RBF(length_scale=lengthscales, length_scale_bounds="fixed"))
    GaussianProcessRegressor(kernel, alpha=noise, optimizer=None, normalize_y=False)

i.e. zero prior mean, raw (NOT standardised) targets, and ``noise`` (a
variance) added to the diagonal of the training kernel matrix only.

Recorded per case:
  * ``mean``        posterior mean of the latent f at ``x_test``
  * ``covariance``  full latent posterior covariance (``return_cov=True``);
                    the observation noise is NOT included
  * ``variance``    diagonal of ``covariance``
  * ``log_marginal_likelihood``  ``gpr.log_marginal_likelihood_value_``
        = -0.5 y^T K^-1 y - sum(log diag L) - n/2 log(2 pi),
          K = k(X, X) + noise * I, L = chol(K)

Every case is cross-checked against an independent numpy implementation
(kernel matrix, mean, covariance, log marginal likelihood; tolerance 1e-10).

Cases (each for kernel "matern52" and "rbf", same data/hyperparameters for
both kernels of a given (dim, n)):
  (dim=1, n=5), (dim=3, n=20), (dim=6, n=60), (dim=2, n=40)
  plus "<kernel>_d2_n15_duplicates": dim=2, n=15, noise=1e-3, where training
  input row 14 is an exact copy of row 3 (the targets differ by noise).
Training inputs are uniform in [0,1]^dim; m=7 test points, the first 6
uniform in [0,1]^dim and the LAST one an exact copy of x_train[0].
Hyperparameters: lengthscales ~ U[0.2, 1.0] (per dimension),
outputscale ~ U[0.5, 3], noise ~ log-uniform [1e-4, 1e-2].
Targets: y = 2 + sum_i sin(3 x_i + i) + N(0, noise)  (non-zero offset, so
the zero-mean GP is tested as is).

All randomness uses numpy.random.default_rng with fixed per-case seeds, so
the output is reproducible. Floats are written with Python's round-trip
``repr`` (full double precision).

How to run (from the package root, /work/main):

    pip install scikit-learn
    python3 Tests/Fixtures/generate_gp_fixtures.py

Generated with scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1 (Python 3.11.7).
"""

import json
import math
import os

import numpy as np
import sklearn
from scipy.linalg import cho_solve, cholesky, solve_triangular
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern

M_TEST = 7
TOL = 1e-10

# (dim, n, seed, fixed noise or None, duplicate (dst_row, src_row) or None, name suffix)
CONFIGS = [
    (1, 5, 101, None, None, ""),
    (3, 20, 103, None, None, ""),
    (6, 60, 106, None, None, ""),
    (2, 40, 102, None, None, ""),
    (2, 15, 215, 1e-3, (14, 3), "_duplicates"),
]
KERNELS = ["matern52", "rbf"]


def make_data(dim, n, seed, fixed_noise, duplicate):
    rng = np.random.default_rng(seed)
    x_train = rng.uniform(0.0, 1.0, size=(n, dim))
    if duplicate is not None:
        dst, src = duplicate
        x_train[dst] = x_train[src]
    lengthscales = rng.uniform(0.2, 1.0, size=dim)
    outputscale = float(rng.uniform(0.5, 3.0))
    if fixed_noise is None:
        noise = float(10.0 ** rng.uniform(-4.0, -2.0))
    else:
        noise = float(fixed_noise)
    offsets = np.arange(dim, dtype=float)
    f = 2.0 + np.sum(np.sin(3.0 * x_train + offsets), axis=1)
    y_train = f + rng.normal(0.0, math.sqrt(noise), size=n)
    x_test = rng.uniform(0.0, 1.0, size=(M_TEST, dim))
    x_test[-1] = x_train[0]
    return x_train, y_train, lengthscales, outputscale, noise, x_test


def numpy_kernel(kind, a, b, lengthscales, outputscale):
    diff = (a[:, None, :] - b[None, :, :]) / lengthscales
    r2 = np.sum(diff * diff, axis=-1)
    if kind == "rbf":
        return outputscale * np.exp(-0.5 * r2)
    r = np.sqrt(r2)
    s5r = math.sqrt(5.0) * r
    return outputscale * (1.0 + s5r + 5.0 / 3.0 * r2) * np.exp(-s5r)


def sklearn_kernel(kind, lengthscales, outputscale):
    c = ConstantKernel(outputscale, constant_value_bounds="fixed")
    if kind == "matern52":
        base = Matern(length_scale=lengthscales.copy(), nu=2.5, length_scale_bounds="fixed")
    else:
        base = RBF(length_scale=lengthscales.copy(), length_scale_bounds="fixed")
    return c * base


def close(a, b, tol=TOL):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return np.all(np.abs(a - b) <= tol * np.maximum(1.0, np.abs(b)))


def make_case(kind, dim, n, seed, fixed_noise, duplicate, suffix):
    x_train, y_train, ls, s, noise, x_test = make_data(dim, n, seed, fixed_noise, duplicate)
    kernel = sklearn_kernel(kind, ls, s)
    gpr = GaussianProcessRegressor(
        kernel=kernel, alpha=noise, optimizer=None, normalize_y=False
    )
    gpr.fit(x_train, y_train)
    mean, cov = gpr.predict(x_test, return_cov=True)
    lml = float(gpr.log_marginal_likelihood_value_)

    # --- independent numpy cross-check -------------------------------------
    k_train = numpy_kernel(kind, x_train, x_train, ls, s)
    assert close(k_train, kernel(x_train)), "kernel matrix mismatch"
    kk = k_train + noise * np.eye(n)
    chol = cholesky(kk, lower=True)
    a = cho_solve((chol, True), y_train)
    lml_np = (
        -0.5 * float(y_train @ a)
        - float(np.sum(np.log(np.diag(chol))))
        - 0.5 * n * math.log(2.0 * math.pi)
    )
    assert abs(lml - lml_np) <= TOL * max(1.0, abs(lml_np)), (lml, lml_np)
    k_star = numpy_kernel(kind, x_test, x_train, ls, s)
    mean_np = k_star @ a
    v = solve_triangular(chol, k_star.T, lower=True)
    cov_np = numpy_kernel(kind, x_test, x_test, ls, s) - v.T @ v
    assert close(mean, mean_np), "mean mismatch"
    assert np.all(np.abs(cov - cov_np) <= TOL * max(1.0, s)), "covariance mismatch"
    variance = np.diag(cov).copy()
    assert np.all(variance > 0.0), "non-positive posterior variance"
    assert np.allclose(cov, cov.T, rtol=0, atol=1e-12)
    # -----------------------------------------------------------------------

    return {
        "name": f"{kind}_d{dim}_n{n}{suffix}",
        "kernel": kind,
        "dim": dim,
        "n": n,
        "x_train": x_train.tolist(),
        "y_train": y_train.tolist(),
        "lengthscales": ls.tolist(),
        "outputscale": s,
        "noise": noise,
        "x_test": x_test.tolist(),
        "mean": np.asarray(mean, dtype=float).tolist(),
        "variance": variance.tolist(),
        "covariance": np.asarray(cov, dtype=float).tolist(),
        "log_marginal_likelihood": lml,
    }


def main():
    cases = []
    for dim, n, seed, fixed_noise, duplicate, suffix in CONFIGS:
        for kind in KERNELS:
            cases.append(make_case(kind, dim, n, seed, fixed_noise, duplicate, suffix))
    out = {
        "generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}",
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gp_sklearn.json")
    with open(path, "w") as fh:
        json.dump(out, fh, allow_nan=False)
        fh.write("\n")
    print(f"wrote {len(cases)} cases to {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
