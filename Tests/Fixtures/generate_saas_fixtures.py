#!/usr/bin/env python3
"""Generate MAP-SAAS prior oracle fixtures for ParetoPilot with BoTorch.

What it generates
-----------------
``Tests/Fixtures/saas_botorch.json``: for 4 small fixed datasets and FIXED,
hand-set hyperparameters (nothing is fitted), the exact GP log marginal
likelihood and the log prior terms that BoTorch's MAP SAAS model
(``botorch.models.map_saas.get_map_saas_model`` with ``tau=None``, i.e. what
``botorch.fit.get_fitted_map_saas_model`` optimises) adds to it.  Used as an
oracle for ParetoPilot's Swift SAAS prior / MAP fitting objective.

The model (botorch 0.18.1, gpytorch 1.15.2)
-------------------------------------------
``get_map_saas_model(train_X, train_Y)`` builds a ``SingleTaskGP`` with
  covar  = ScaleKernel(MaternKernel(nu=2.5, ard_num_dims=d)), no outcome or
           input transform,
  k(x, x') = outputscale * (1 + sqrt(5) r + 5/3 r^2) exp(-sqrt(5) r),
  r = || (x - x') / lengthscales ||,
  mean   = ConstantMean (set to 0.0 here), noise = homoskedastic variance,
and ``add_saas_prior(base_kernel, tau=None)`` registers on the base kernel
  raw_lengthscale = log(lengthscale)   (LogTransformedInterval(0.01, 1e4))
  raw_tau         = log(tau)           (LogTransformedInterval(1e-3, 10))
  tau_prior             : HalfCauchy(scale=0.1) evaluated at tau
  inv_lengthscale_prior : HalfCauchy(scale=1.0) evaluated at tau / l_j^2,
                          one term per dimension j
The densities are evaluated at the VALUES tau and tau / l_j^2: there is NO
change-of-variables Jacobian for the log parameterisation or for the map
(tau, l) -> tau / l^2.  With HC(x; s) = 2 / (pi s (1 + (x/s)^2)), x >= 0:

  saas_log_prior = log HC(tau; 0.1) + sum_j log HC(tau / l_j^2; 1)
                 = log(20/pi) - log(1 + 100 tau^2)
                   + d log(2/pi) - sum_j log(1 + tau^2 / l_j^4)

Other priors of that model: noise ~ Gamma(concentration 0.9, rate 10) on the
noise variance value (likelihood.noise_covar.noise_prior); mean constant ~
Normal(0, 1) (mean_module.mean_prior); NO prior on the outputscale.
``ExactMarginalLogLikelihood`` returns (log N(y; 0, K + noise I) + sum of all
prior terms) / n; the JSON stores the un-divided pieces and that total.

JSON layout
-----------
  generator : str (library versions), notes : list of str,
  cases : list of 4 objects, names "saas_d6_n12_a", "saas_d6_n12_b",
          "saas_d10_n20_a", "saas_d10_n20_b", each with
    name, seed, n, dim, kernel ("matern52_ard_scale"), mean_constant (0.0),
    inputs (n x d rows in [0,1]^d), outputs (n, standardised: mean 0,
        unbiased std 1),
    lengthscales (d), tau, outputscale, noise (noise VARIANCE),
    log_marginal_likelihood  : log N(outputs; 0, K + noise I), SUM over points,
    saas_log_prior           : tau_prior + inv_lengthscale_prior (summed over j),
    saas_log_prior_per_dim   : (d) log HC(tau / l_j^2; 1) for each j,
    tau_log_prior            : log HC(tau; 0.1),
    saas_log_prior_fixed_tau : the SAAS term when tau is FIXED (the
        ``get_map_saas_model(tau=...)`` / ``EnsembleMapSaasSingleTaskGP``
        case: no tau_prior, only sum_j log HC(tau / l_j^2; 1)),
    outputscale_log_prior    : null (no outputscale prior in this model),
    noise_log_prior          : log Gamma(noise; 0.9, 10),
    mean_log_prior           : log N(0; 0, 1),
    prior_terms              : {gpytorch prior name -> summed log_prob},
    mll_total                : log_marginal_likelihood + sum(prior_terms)
                               (= ExactMarginalLogLikelihood * n),
    mll_botorch_normalised   : ExactMarginalLogLikelihood output (= mll_total/n),
    gradient_check : {
      d_saas_log_prior_d_log_lengthscale : (d), autograd w.r.t. raw_lengthscale
                                           (= log l_j), tau free,
      d_saas_log_prior_d_log_tau         : autograd w.r.t. raw_tau (= log tau),
      d_saas_log_prior_fixed_tau_d_log_lengthscale : (d), fixed-tau model,
      analytic_* : the same from the closed forms
        d/dlog l_j = 4 x_j^2 / (1 + x_j^2),  x_j = tau / l_j^2,
        d/dlog tau = -sum_j 2 x_j^2 / (1 + x_j^2) - 2 u^2 / (1 + u^2), u = tau/0.1
    }
All values are read back from the gpytorch modules after being set.  Every
number is float64.  The LML and the SAAS prior are cross-checked against
independent numpy/closed-form computations (to 1e-10).

How to run (from the package root, /work/main; a few seconds on CPU)
--------------------------------------------------------------------
    python3 -m venv /work/venvs/botorch
    /work/venvs/botorch/bin/pip install botorch==0.18.1   # pulls gpytorch, torch
    /work/venvs/botorch/bin/python Tests/Fixtures/generate_saas_fixtures.py
(pyro-ppl / jax are NOT needed: only the MAP SAAS model is used.)
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
from botorch.models.map_saas import get_map_saas_model  # noqa: E402
from gpytorch.mlls import ExactMarginalLogLikelihood  # noqa: E402
from fixture_io import write_fixture

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "saas_botorch.json")
SEED = 20240611

CASES = [
    # name, n, d, lengthscales, tau, outputscale, noise
    ("saas_d6_n12_a", 12, 6, [0.25, 0.6, 1.5, 4.0, 12.0, 40.0], 0.1, 1.3, 0.01),
    ("saas_d6_n12_b", 12, 6, [0.8, 0.15, 2.5, 0.4, 7.0, 1.0], 0.45, 0.7, 0.002),
    (
        "saas_d10_n20_a",
        20,
        10,
        [0.3, 0.9, 5.0, 20.0, 60.0, 150.0, 0.5, 3.0, 9.0, 300.0],
        0.02,
        2.2,
        0.05,
    ),
    (
        "saas_d10_n20_b",
        20,
        10,
        [1.2, 0.2, 0.7, 2.0, 0.35, 8.0, 1.6, 0.05, 25.0, 4.5],
        2.5,
        0.9,
        1.0e-3,
    ),
]


def make_data(gen, n, d):
    X = torch.rand(n, d, generator=gen)
    # A smooth function of the first few coordinates plus a little noise.
    f = (
        torch.sin(6.0 * X[:, 0])
        + 0.8 * (X[:, 1] - 0.5) ** 2 * 4.0
        + 0.3 * torch.cos(3.0 * X[:, 2] + X[:, 0])
    )
    y = f + 0.05 * torch.randn(n, generator=gen)
    y = (y - y.mean()) / y.std()  # unbiased std, as BoTorch's Standardize
    return X, y


def set_hypers(model, ls, tau, outputscale, noise):
    bk = model.covar_module.base_kernel
    with torch.no_grad():
        bk.raw_lengthscale.copy_(torch.log(torch.tensor(ls)).view_as(bk.raw_lengthscale))
        if hasattr(bk, "raw_tau"):
            bk.raw_tau.copy_(torch.log(torch.tensor(tau)).view_as(bk.raw_tau))
        model.covar_module.raw_outputscale.copy_(
            model.covar_module.raw_outputscale_constraint.inverse_transform(
                torch.tensor(outputscale)
            ).view_as(model.covar_module.raw_outputscale)
        )
        nc = model.likelihood.noise_covar
        nc.raw_noise.copy_(
            nc.raw_noise_constraint.inverse_transform(torch.tensor(noise)).view_as(nc.raw_noise)
        )
        model.mean_module.constant.fill_(0.0)


def saas_prior_sum(model):
    """Sum of the SAAS prior terms (on the base kernel) exactly as the mll adds them."""
    total = torch.zeros(())
    per_dim = None
    tau_term = None
    for name, module, prior, closure, _ in model.named_priors():
        if not name.startswith("covar_module.base_kernel."):
            continue
        lp = prior.log_prob(closure(module))
        total = total + lp.sum()
        if name.endswith("inv_lengthscale_prior"):
            per_dim = lp.reshape(-1)
        elif name.endswith("tau_prior"):
            tau_term = lp.sum()
    return total, per_dim, tau_term


def numpy_lml(X, y, ls, os_, noise):
    Z = X / ls
    r = np.sqrt(np.maximum(((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1), 0.0))
    s5r = math.sqrt(5.0) * r
    K = os_ * (1.0 + s5r + 5.0 / 3.0 * r**2) * np.exp(-s5r) + noise * np.eye(len(y))
    L = np.linalg.cholesky(K)
    a = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return -0.5 * y @ a - np.log(np.diag(L)).sum() - 0.5 * len(y) * math.log(2 * math.pi)


def log_hc(x, s):
    return math.log(2.0 / (math.pi * s)) - math.log1p((x / s) ** 2)


def run_case(gen, name, n, d, ls, tau, outputscale, noise):
    X, y = make_data(gen, n, d)
    Y = y.unsqueeze(-1)

    # --- free-tau MAP SAAS model (get_map_saas_model(tau=None)) ---
    model = get_map_saas_model(train_X=X, train_Y=Y)
    set_hypers(model, ls, tau, outputscale, noise)
    model.train()
    bk = model.covar_module.base_kernel
    ls_rb = bk.lengthscale.detach().reshape(-1)
    tau_rb = bk.raw_tau_constraint.transform(bk.raw_tau).detach().reshape(())
    os_rb = model.covar_module.outputscale.detach().reshape(())
    noise_rb = model.likelihood.noise.detach().reshape(())
    mean_rb = model.mean_module.constant.detach().reshape(())
    assert torch.allclose(ls_rb, torch.tensor(ls), rtol=1e-14)
    assert abs(tau_rb.item() - tau) < 1e-14 * max(1.0, tau)

    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    with gpytorch.settings.fast_computations(False, False, False), gpytorch.settings.max_cholesky_size(10**6):
        out = model(X)
        lml = model.likelihood(out).log_prob(y)
        mll_norm = mll(out, y)

    prior_terms = {}
    for pname, module, prior, closure, _ in model.named_priors():
        prior_terms[pname] = prior.log_prob(closure(module)).sum().item()
    assert not any("outputscale" in k for k in prior_terms), prior_terms

    # gradient of the SAAS prior w.r.t. raw_lengthscale = log l and raw_tau = log tau
    model.zero_grad()
    saas, per_dim, tau_term = saas_prior_sum(model)
    g_ls, g_tau = torch.autograd.grad(saas, [bk.raw_lengthscale, bk.raw_tau])

    # --- fixed-tau model (get_map_saas_model(tau=tau) / EnsembleMapSaasSingleTaskGP) ---
    model_fixed = get_map_saas_model(train_X=X, train_Y=Y, tau=tau)
    set_hypers(model_fixed, ls, tau, outputscale, noise)
    bkf = model_fixed.covar_module.base_kernel
    assert not hasattr(bkf, "raw_tau")
    saas_fixed, _, tf = saas_prior_sum(model_fixed)
    assert tf is None
    (g_ls_fixed,) = torch.autograd.grad(saas_fixed, [bkf.raw_lengthscale])

    # --- independent checks ---
    Xn, yn, lsn = X.numpy(), y.numpy(), np.array(ls)
    lml_np = numpy_lml(Xn, yn, lsn, outputscale, noise)
    assert abs(lml_np - lml.item()) < 1e-10 * max(1.0, abs(lml_np)), (lml_np, lml.item())
    xs = [tau / l**2 for l in ls]
    per_dim_cf = [log_hc(x, 1.0) for x in xs]
    tau_cf = log_hc(tau, 0.1)
    saas_cf = tau_cf + sum(per_dim_cf)
    assert abs(saas_cf - saas.item()) < 1e-10 * max(1.0, abs(saas_cf))
    assert abs(sum(per_dim_cf) - saas_fixed.item()) < 1e-10 * max(1.0, abs(saas_cf))
    an_ls = [4.0 * x * x / (1.0 + x * x) for x in xs]
    u = tau / 0.1
    an_tau = -sum(2.0 * x * x / (1.0 + x * x) for x in xs) - 2.0 * u * u / (1.0 + u * u)
    assert np.allclose(g_ls.reshape(-1).numpy(), an_ls, rtol=1e-10, atol=1e-12)
    assert np.allclose(g_ls_fixed.reshape(-1).numpy(), an_ls, rtol=1e-10, atol=1e-12)
    assert abs(g_tau.item() - an_tau) < 1e-10 * max(1.0, abs(an_tau))
    noise_cf = (
        0.9 * math.log(10.0) - math.lgamma(0.9) + (0.9 - 1.0) * math.log(noise) - 10.0 * noise
    )
    noise_key = "likelihood.noise_covar.noise_prior"
    assert abs(prior_terms[noise_key] - noise_cf) < 1e-12
    mean_key = "mean_module.mean_prior"
    assert abs(prior_terms[mean_key] + 0.5 * math.log(2 * math.pi)) < 1e-12
    mll_total = lml.item() + sum(prior_terms.values())
    assert abs(mll_total / n - mll_norm.item()) < 1e-12 * max(1.0, abs(mll_total))

    return {
        "name": name,
        "seed": SEED,
        "n": n,
        "dim": d,
        "kernel": "matern52_ard_scale",
        "mean_constant": mean_rb.item(),
        "inputs": X.tolist(),
        "outputs": y.tolist(),
        "lengthscales": ls_rb.tolist(),
        "tau": tau_rb.item(),
        "outputscale": os_rb.item(),
        "noise": noise_rb.item(),
        "log_marginal_likelihood": lml.item(),
        "saas_log_prior": saas.item(),
        "saas_log_prior_per_dim": per_dim.tolist(),
        "tau_log_prior": tau_term.item(),
        "saas_log_prior_fixed_tau": saas_fixed.item(),
        "outputscale_log_prior": None,
        "noise_log_prior": prior_terms[noise_key],
        "mean_log_prior": prior_terms[mean_key],
        "prior_terms": prior_terms,
        "mll_total": mll_total,
        "mll_botorch_normalised": mll_norm.item(),
        "gradient_check": {
            "d_saas_log_prior_d_log_lengthscale": g_ls.reshape(-1).tolist(),
            "d_saas_log_prior_d_log_tau": g_tau.item(),
            "d_saas_log_prior_fixed_tau_d_log_lengthscale": g_ls_fixed.reshape(-1).tolist(),
            "analytic_d_log_lengthscale": an_ls,
            "analytic_d_log_tau": an_tau,
        },
    }


def main():
    gen = torch.Generator().manual_seed(SEED)
    cases = [run_case(gen, *c) for c in CASES]
    doc = {
        "generator": (
            f"Tests/Fixtures/generate_saas_fixtures.py; botorch {botorch.__version__}, "
            f"gpytorch {gpytorch.__version__}, torch {torch.__version__}; float64"
        ),
        "notes": [
            "Model: botorch.models.map_saas.get_map_saas_model(train_X, train_Y) (tau=None, "
            "free tau), SingleTaskGP with ScaleKernel(MaternKernel(nu=2.5, ARD)), no "
            "transforms, constant mean set to 0.0; hyperparameters fixed, nothing fitted.",
            "tau is BoTorch's add_saas_prior global shrinkage: tau_prior = HalfCauchy(0.1) at tau, "
            "inv_lengthscale_prior = HalfCauchy(1.0) at tau / lengthscale_j^2 (per dim). "
            "Densities of the values, no Jacobian. (SaasPyroModel's 'tausq' is a different "
            "parameterisation: 1/l^2 = tausq * z, z ~ HC(1).)",
            "saas_log_prior = log HC(tau;0.1) + sum_j log HC(tau/l_j^2;1), "
            "log HC(x;s) = log(2/(pi s)) - log(1 + (x/s)^2).",
            "saas_log_prior_fixed_tau: same but tau fixed (get_map_saas_model(tau=...), "
            "EnsembleMapSaasSingleTaskGP): no tau_prior term.",
            "log_marginal_likelihood is the SUM over points (not /n), mean 0. "
            "mll_total = log_marginal_likelihood + sum(prior_terms); "
            "mll_botorch_normalised = ExactMarginalLogLikelihood output = mll_total / n.",
            "noise_log_prior: Gamma(0.9, rate 10) at the noise variance; mean_log_prior: "
            "Normal(0,1) at the constant; no outputscale prior (null).",
            "gradient_check: torch autograd w.r.t. raw_lengthscale = log(l_j) and "
            "raw_tau = log(tau) (BoTorch's LogTransformedInterval raw parameters).",
        ],
        "cases": cases,
    }
    write_fixture(OUT, doc, f"{len(cases)} cases")


if __name__ == "__main__":
    main()
