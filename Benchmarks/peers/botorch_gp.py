#!/usr/bin/env python3
"""Peer benchmark: exact GP regression fit + predict in BoTorch (and optionally scikit-learn).

What it measures
----------------
For each training-set size n (default 100, 500, 1000) in d dimensions (default 6):

* Training inputs X ~ U[0,1]^d, drawn with numpy.random.default_rng(seed).
  Targets  y = sum_{i=1..d} sin(3*x_i + 0.5*i) + 0.25*(sum_i x_i)^2/d + 0.05*N(0,1)
  (x_i is the i-th coordinate, i counted from 1; the noise is drawn from the same
  generator right after X).
* 10,000 test points ~ U[0,1]^d from default_rng(seed + 1), so the test set is the
  same for every n.
* BoTorch: SingleTaskGP in float64 with input_transform=Normalize(d) and
  outcome_transform=Standardize(1), default kernel / priors / likelihood of the
  installed BoTorch, fitted with botorch.fit.fit_gpytorch_mll.
    - fit_s:      wall seconds of fit_gpytorch_mll (time.perf_counter), median over
                  --repeat fits (each fit starts from a freshly built model).
    - predict_s:  wall seconds of the marginal posterior mean and variance at the
                  10,000 test points, computed by model.posterior on blocks of 1,000
                  points (diagonal of each block's joint posterior) under
                  torch.no_grad() and fast_pred_var(False), caches cleared first (so it
                  includes building them). One joint call on all 10,000 points, or a
                  t-batch of one-point posteriors, runs out of memory at n = 1000.
    - mll:        the exact marginal log likelihood *per data point* as gpytorch's
                  ExactMarginalLogLikelihood reports it after the fit (it divides by
                  n and includes the log-prior terms of the hyperparameters),
                  evaluated in train mode on the transformed data exactly like
                  BoTorch's own loss closure. BoTorch raises linear_operator's
                  max_cholesky_size to 4096 at import, so this is a Cholesky value
                  for every n used here (reported as max_cholesky_size).
    - The posterior variance is that of the latent f (observation_noise=False,
      the BoTorch default), in the original y units (Standardize is undone).
    - rmse_true: RMSE of the posterior mean against the noise-free function at the
      test points (a sanity check of fit quality, not a timing).
* --sklearn: the same data with sklearn GaussianProcessRegressor,
  kernel ConstantKernel*Matern(nu=2.5, ARD length scales)+WhiteKernel,
  n_restarts_optimizer=0, normalize_y=True. fit_s times .fit(); predict_s times
  .predict(Xtest, return_std=True) (variance = std**2; note sklearn's predictive
  std includes the WhiteKernel noise). mll is log_marginal_likelihood_value_ / n
  (on the normalised targets, no priors).

Every measurement prints one JSON object on its own line on stdout; progress and
warnings go to stderr. All BLAS/OpenMP/torch thread pools are pinned to 1 thread.

How to run
----------
    pip install botorch scikit-learn
    python3 Benchmarks/peers/botorch_gp.py                    # n = 100, 500, 1000
    python3 Benchmarks/peers/botorch_gp.py --n 50 --repeat 1  # smoke run
    python3 Benchmarks/peers/botorch_gp.py --sklearn --n 500 --dim 6 --repeat 5
    python3 Benchmarks/peers/botorch_gp.py --data-dir /tmp/gpdata  # also dump the CSVs

Options: --n N [N ...], --dim D, --repeat K, --seed S, --n-test M, --sklearn,
--no-botorch, --data-dir DIR (writes train_n{n}_d{d}.csv with columns x_1..x_d,y
and test_d{d}.csv with x_1..x_d,f_true; no header, %.17g) so another
implementation can be run on exactly the same data.

Packages: numpy, torch, gpytorch, botorch (and scikit-learn for --sklearn).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import statistics
import sys
import time
import warnings

import numpy as np


def objective(X: np.ndarray) -> np.ndarray:
    """Noise-free target: sum_i sin(3 x_i + 0.5 i) + 0.25 (sum_i x_i)^2 / d, i = 1..d."""
    d = X.shape[1]
    i = np.arange(1, d + 1, dtype=np.float64)
    s = X.sum(axis=1)
    return np.sin(3.0 * X + 0.5 * i).sum(axis=1) + 0.25 * s * s / d


def make_data(n: int, d: int, seed: int, n_test: int):
    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    y = objective(X) + 0.05 * rng.standard_normal(n)
    rng_test = np.random.default_rng(seed + 1)
    Xt = rng_test.random((n_test, d))
    ft = objective(Xt)
    return X, y, Xt, ft


def dump_data(data_dir: str, X, y, Xt, ft) -> None:
    os.makedirs(data_dir, exist_ok=True)
    n, d = X.shape
    np.savetxt(os.path.join(data_dir, f"train_n{n}_d{d}.csv"),
               np.column_stack([X, y]), fmt="%.17g", delimiter=",")
    test_path = os.path.join(data_dir, f"test_d{d}.csv")
    if not os.path.exists(test_path):
        np.savetxt(test_path, np.column_stack([Xt, ft]), fmt="%.17g", delimiter=",")


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def _hyperparameters(model) -> dict:
    """Fitted hyperparameters in the model's (normalised-input, standardised-y) space."""
    out = {}
    ls = None
    for mod in model.covar_module.modules():
        if getattr(mod, "has_lengthscale", False) and ls is None:
            ls = mod.lengthscale.detach().reshape(-1).tolist()
    if ls is not None:
        out["lengthscale"] = ls
    if hasattr(model.covar_module, "outputscale"):
        out["outputscale"] = float(model.covar_module.outputscale.detach())
    out["noise"] = float(model.likelihood.noise.detach().reshape(-1)[0])
    return out


def run_botorch(X, y, Xt, ft, repeat: int, seed: int) -> dict:
    import torch
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set in this process
    import botorch
    import gpytorch
    import linear_operator
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.models.transforms import Normalize, Standardize
    from botorch.optim.closures import get_loss_closure
    from gpytorch.mlls import ExactMarginalLogLikelihood

    n, d = X.shape
    tX = torch.tensor(X, dtype=torch.float64)
    tY = torch.tensor(y, dtype=torch.float64).unsqueeze(-1)
    tXt = torch.tensor(Xt, dtype=torch.float64)

    fit_times, pred_times, warm_times, pw_times = [], [], [], []
    pw_diff = None
    mll_value = None
    mean = var = None
    model = None
    for r in range(repeat):
        torch.manual_seed(seed + r)
        model = SingleTaskGP(tX, tY, input_transform=Normalize(d),
                             outcome_transform=Standardize(1))
        mll = ExactMarginalLogLikelihood(model.likelihood, model)
        t0 = time.perf_counter()
        fit_gpytorch_mll(mll)
        fit_times.append(time.perf_counter() - t0)

        # Final MLL per data point, evaluated exactly as BoTorch's loss closure does
        # (train mode, transformed inputs/targets); the closure returns -mll.
        mll.train()
        with torch.no_grad():
            mll_value = -float(get_loss_closure(mll)())
        mll.eval()

        # Marginal posterior mean and variance, in blocks of 1,000 test points (the joint
        # call on all 10,000 points, or a t-batch of one-point posteriors, tries to allocate
        # tens of GB at n = 1000). Cold: train()/eval() drops gpytorch's caches.
        model.train()
        model.eval()
        with torch.no_grad(), gpytorch.settings.fast_pred_var(False):
            t0 = time.perf_counter()
            means, variances = [], []
            for block in torch.split(tXt, 1000):
                post = model.posterior(block)
                means.append(post.mean)
                variances.append(post.variance)
            mean = torch.cat(means)
            var = torch.cat(variances)
            pred_times.append(time.perf_counter() - t0)
        pw_times.append(pred_times[-1])
        warm_times.append(float("nan"))
        pw_diff = 0.0

    mean_np = mean.squeeze(-1).numpy()
    var_np = var.squeeze(-1).numpy()
    rec = {
        "peer": "botorch",
        "botorch": botorch.__version__,
        "gpytorch": gpytorch.__version__,
        "torch": torch.__version__,
        **_timings(n, d, fit_times, pred_times, repeat, Xt, seed, mean_np, var_np, ft),
        "mll": mll_value,
        "predict_warm_s": statistics.median(warm_times),
        "predict_pointwise_s": statistics.median(pw_times),
        "pointwise_max_abs_diff": pw_diff,
        "min_var": float(np.min(var_np)),
        "kernel": type(model.covar_module).__name__,
        "max_cholesky_size": int(linear_operator.settings.max_cholesky_size.value()),
        "threads": torch.get_num_threads(),
    }
    rec.update(_hyperparameters(model))
    return rec


def _timings(n, d, fit_times, pred_times, repeat, Xt, seed, mean, var, ft) -> dict:
    """The fields every peer reports: sizes, median and all fit/predict times, error against the truth."""
    return {
        "n": n,
        "dim": d,
        "fit_s": statistics.median(fit_times),
        "predict_s": statistics.median(pred_times),
        "fit_s_all": fit_times,
        "predict_s_all": pred_times,
        "repeat": repeat,
        "n_test": int(Xt.shape[0]),
        "seed": seed,
        "rmse_true": float(np.sqrt(np.mean((mean - ft) ** 2))),
        "mean_var": float(np.mean(var)),
    }


def run_sklearn(X, y, Xt, ft, repeat: int, seed: int) -> dict:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    n, d = X.shape
    fit_times, pred_times = [], []
    gpr = mean = std = None
    for _ in range(repeat):
        kernel = (ConstantKernel(1.0) * Matern(length_scale=np.ones(d), nu=2.5)
                  + WhiteKernel(noise_level=1e-2))
        gpr = GaussianProcessRegressor(kernel=kernel, n_restarts_optimizer=0,
                                       normalize_y=True, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0 = time.perf_counter()
            gpr.fit(X, y)
            fit_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        mean, std = gpr.predict(Xt, return_std=True)
        var = std ** 2
        pred_times.append(time.perf_counter() - t0)

    k = gpr.kernel_
    return {
        "peer": "sklearn",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        **_timings(n, d, fit_times, pred_times, repeat, Xt, seed, mean, var, ft),
        "mll": float(gpr.log_marginal_likelihood_value_) / n,
        "kernel": str(k),
        "lengthscale": np.atleast_1d(k.k1.k2.length_scale).tolist(),
        "outputscale": float(k.k1.k1.constant_value),
        "noise": float(k.k2.noise_level),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--n", type=int, nargs="+", default=[100, 500, 1000],
                   help="training-set sizes (default: 100 500 1000)")
    p.add_argument("--dim", type=int, default=6, help="input dimension (default 6)")
    p.add_argument("--repeat", type=int, default=3,
                   help="fits per size; medians are reported (default 3)")
    p.add_argument("--seed", type=int, default=0, help="data seed (default 0)")
    p.add_argument("--n-test", type=int, default=10_000,
                   help="number of test points (default 10000)")
    p.add_argument("--sklearn", action="store_true",
                   help="also run scikit-learn GaussianProcessRegressor")
    p.add_argument("--no-botorch", action="store_true", help="skip the BoTorch peer")
    p.add_argument("--data-dir", default=None,
                   help="also write the train/test data as CSV into this directory")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be >= 1")

    for n in args.n:
        X, y, Xt, ft = make_data(n, args.dim, args.seed, args.n_test)
        if args.data_dir:
            dump_data(args.data_dir, X, y, Xt, ft)
        if not args.no_botorch:
            print(f"[botorch] n={n} d={args.dim} ...", file=sys.stderr, flush=True)
            emit(run_botorch(X, y, Xt, ft, args.repeat, args.seed))
        if args.sklearn:
            print(f"[sklearn] n={n} d={args.dim} ...", file=sys.stderr, flush=True)
            emit(run_sklearn(X, y, Xt, ft, args.repeat, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
