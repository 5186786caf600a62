#!/usr/bin/env python3
"""Generate acquisition-function oracle fixtures for ParetoPilot with BoTorch.

What it generates
-----------------
``Tests/Fixtures/acquisition_botorch.json``: values of BoTorch acquisition
functions on Gaussian processes with FIXED, hand-set hyperparameters (nothing
is fitted), used as an oracle for ParetoPilot's Swift acquisition functions.

EVERYTHING IN THE JSON IS IN PARETOPILOT'S MINIMISATION FRAME.  BoTorch
maximises; the exact sign handling is spelled out in the top-level "notes"
list of the JSON (and summarised below).

GP model (all parts)
--------------------
``SingleTaskGP(train_X, train_Y, likelihood=GaussianLikelihood(...),
covar_module=ScaleKernel(MaternKernel(nu=2.5, ard_num_dims=d)),
mean_module=ZeroMean(), outcome_transform=None)`` (no input transform), i.e.

    k(x, x') = outputscale * (1 + sqrt(5) r + 5/3 r^2) exp(-sqrt(5) r),
    r = || (x - x') / lengthscales ||                              ("matern52")

ZERO prior mean, raw targets, ``noise`` (a variance) added to the diagonal of
the training kernel matrix only; ``model.eval()``.  All posterior means and
variances are of the LATENT f (observation noise excluded).  The stored
hyperparameters are read back from the gpytorch modules after being set, so
they are exactly the (float64) values BoTorch used.  Everything is float64.
Each GP posterior is cross-checked against an independent numpy GP (1e-9).

JSON layout (top level)
-----------------------
  generator   : str, library versions
  notes       : list of str, conventions (sign conventions!)
  single_objective_cases : list of Part-A cases
  ehvi_case   : Part-B object
  qnehvi_case : Part-C object
Arrays of points are lists of rows (``m x d``); everything else is flat.

Part A, single_objective_cases[i] (names "matern52_d2_n12", "matern52_d3_n20")
  name, kernel ("matern52"), prior_mean (0.0), dim, n, seed,
  x_train (n x d, in [0,1]^d), y_train (n), lengthscales (d), outputscale,
  noise (noise VARIANCE), best_f (= min(y_train)), ucb_beta (2.0),
  x_test (8 x d): rows 0-5 in [0,1]^d, rows 6-7 far outside the data
  far_from_data (8 bools; true for rows 6-7, where EI underflows to 0.0),
  mean, variance (latent posterior at x_test), sigma (= sqrt(variance)),
  u            = (best_f - mean) / sigma   (minimisation scaled improvement),
  ei           = ExpectedImprovement(best_f, maximize=False)
               = E[max(best_f - f(x), 0)]  (>= 0; exactly 0.0 on far rows),
  log_ei       = LogExpectedImprovement(best_f, maximize=False) (finite
                 everywhere; about -1000 on the far rows),
  log_ei_grad  (8 x d) d log_ei / dx (torch autograd),
  ucb_botorch  = UpperConfidenceBound(beta=2, maximize=False)
               = -mean + sqrt(beta) * sigma   (BoTorch: larger is better),
  ucb_botorch_grad (8 x d),
  lcb          = mean - sqrt(beta) * sigma = -ucb_botorch  (the lower
                 confidence bound, to be MINIMISED),
  lcb_grad     (8 x d) = -ucb_botorch_grad.
The six in-domain test points are picked (deterministically) from a seeded
pool so their u values span ~[+1, -15] (both branches of BoTorch's
_log_ei_helper, split at u = -1); the two far points are at distance > 2
outside the unit cube, where the posterior reverts to the zero prior mean.
The targets are y = offset + smooth(x) with a large negative offset, so that
at the far points u = (best_f - 0) / sqrt(outputscale) < -40 and EI
underflows (EI = 0.0 exactly in float64) while LogEI stays finite.

Part B, ehvi_case (2 objectives, d = 2, n = 10)
  dim, n, seed, kernel, prior_mean, x_train (n x 2, shared by both models),
  objectives: list of 2 objects {y_train, lengthscales, outputscale, noise}
  (minimisation-frame targets), pareto_front (k x 2, the non-dominated
  subset of the observed y_train, sorted by objective 0 ascending),
  pareto_front_train_indices, ref_point (2), hypervolume_of_front,
  x_test (6 x 2), mean (6 x 2, per-objective latent posterior means, columns
  = objectives), variance (6 x 2), ehvi (6).
  BoTorch: ModelListGP of two SingleTaskGPs trained on -y_train (same fixed
  hyperparameters), NondominatedPartitioning(ref_point=-ref_point,
  Y=-Y_train), analytic ExpectedHypervolumeImprovement.  The hypervolume
  improvement is invariant under this joint negation, so ehvi is the
  expected hypervolume improvement of the minimisation problem directly.
  Cross-checked against an independent closed-form 2-D EHVI (numpy/scipy).

Part C, qnehvi_case (same model, ref point and x_test as Part B, q = 1)
  x_baseline (= ehvi_case.x_train), pruned_baseline_indices (rows of
  x_baseline kept by prune_baseline=True), sampler ("SobolQMCNormalSampler"),
  sampler_num_samples (1024), sampler_seed (0),
  qlognehvi_log (6): qLogNoisyExpectedHypervolumeImprovement (log value,
      default eta/tau_relu/tau_max/fat),
  qlognehvi_exp (6): exp(qlognehvi_log),
  qnehvi (6): qNoisyExpectedHypervolumeImprovement, same sampler,
  rqmc_seeds, qnehvi_rqmc_mean, qnehvi_rqmc_std (6 each): mean and standard
      deviation over independent scrambles (seeds 1..16, 1024 samples each),
      i.e. the Monte-Carlo error of ONE 1024-sample estimate,
  qlognehvi_exp_rqmc_mean, qlognehvi_exp_rqmc_std: the same for
      exp(qLogNEHVI),
  qnehvi_reference (6): qNEHVI with 2^15 Sobol samples (seed 0), a
      low-error estimate of the noisy EHVI.

How to run (from the package root, /work/main; takes about 15 seconds on CPU):

    pip install botorch==0.18.1   # pulls gpytorch and torch
    python3 Tests/Fixtures/generate_acquisition_fixtures.py

Generated with botorch 0.18.1, gpytorch 1.15.2, torch 2.13.0+cpu,
numpy 2.4.6, scipy 1.17.1, mpmath 1.3.0 (Python 3.11.7).
All randomness: numpy.random.default_rng / torch.manual_seed with fixed
seeds, SobolQMCNormalSampler with fixed seeds -> reproducible output.
Floats are written with Python's round-trip repr (full double precision).
"""

import math
import os
import sys
import warnings

import mpmath
import numpy as np
import scipy
import torch
from scipy.stats import norm

import botorch
import gpytorch
from botorch.acquisition import (
    ExpectedImprovement,
    LogExpectedImprovement,
    UpperConfidenceBound,
)
from botorch.acquisition.multi_objective.analytic import (
    ExpectedHypervolumeImprovement,
)
from botorch.acquisition.multi_objective.logei import (
    qLogNoisyExpectedHypervolumeImprovement,
)
from botorch.acquisition.multi_objective.monte_carlo import (
    qNoisyExpectedHypervolumeImprovement,
)
from botorch.models import ModelListGP, SingleTaskGP
from botorch.sampling.normal import SobolQMCNormalSampler
from botorch.utils.multi_objective.box_decompositions.non_dominated import (
    NondominatedPartitioning,
)
from gpytorch.constraints import GreaterThan
from gpytorch.kernels import MaternKernel, ScaleKernel
from gpytorch.likelihoods import GaussianLikelihood
from gpytorch.means import ZeroMean
from fixture_io import write_fixture

torch.set_default_dtype(torch.float64)
mpmath.mp.dps = 60
warnings.filterwarnings("ignore")  # input-scaling / data-normalisation hints

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "acquisition_botorch.json")
DT = torch.float64
BETA = 2.0
N_SAMPLES = 1024
SAMPLER_SEED = 0
RQMC_SEEDS = list(range(1, 17))
REF_SAMPLES = 2**15
TOL_GP = 1e-9


def fl(a):
    """Nested lists of Python floats (round-trip repr in json)."""
    a = np.asarray(a, dtype=np.float64)
    return a.tolist()


# --------------------------------------------------------------------------
# GP construction and independent numpy GP
# --------------------------------------------------------------------------
def make_gp(x, y, lengthscales, outputscale, noise):
    """SingleTaskGP with fixed hyperparameters, zero mean, no transforms."""
    d = x.shape[1]
    lik = GaussianLikelihood(noise_constraint=GreaterThan(1e-12))
    model = SingleTaskGP(
        torch.tensor(x, dtype=DT),
        torch.tensor(y, dtype=DT).unsqueeze(-1),
        likelihood=lik,
        covar_module=ScaleKernel(MaternKernel(nu=2.5, ard_num_dims=d)),
        mean_module=ZeroMean(),
        outcome_transform=None,
        input_transform=None,
    )
    model.covar_module.base_kernel.lengthscale = torch.tensor(lengthscales, dtype=DT)
    model.covar_module.outputscale = torch.tensor(outputscale, dtype=DT)
    model.likelihood.noise = torch.tensor([noise], dtype=DT)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    hp = {
        "lengthscales": model.covar_module.base_kernel.lengthscale.detach().view(-1).tolist(),
        "outputscale": float(model.covar_module.outputscale.detach()),
        "noise": float(model.likelihood.noise.detach().view(-1)[0]),
    }
    for a, b in zip(hp["lengthscales"], lengthscales):
        assert abs(a - b) <= 1e-12 * b
    assert abs(hp["outputscale"] - outputscale) <= 1e-12 * outputscale
    assert abs(hp["noise"] - noise) <= 1e-9 * noise
    return model, hp


def matern52(a, b, ls, s):
    r = np.sqrt(np.maximum(((a[:, None, :] - b[None, :, :]) / ls) ** 2, 0).sum(-1))
    sr = math.sqrt(5.0) * r
    return s * (1 + sr + sr**2 / 3.0) * np.exp(-sr)


def numpy_posterior(x, y, hp, xt):
    ls = np.asarray(hp["lengthscales"])
    K = matern52(x, x, ls, hp["outputscale"]) + hp["noise"] * np.eye(len(x))
    L = np.linalg.cholesky(K)
    Ks = matern52(xt, x, ls, hp["outputscale"])
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    mean = Ks @ alpha
    V = np.linalg.solve(L, Ks.T)
    var = hp["outputscale"] - (V**2).sum(0)
    return mean, var


def check_close(a, b, tol, what):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    err = np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))
    assert err <= tol, f"{what}: max rel err {err:g} > {tol:g}"


# --------------------------------------------------------------------------
# Part A
# --------------------------------------------------------------------------
def mp_log_ei(mean, sigma, best_f):
    """High-precision log E[max(best_f - f, 0)], f ~ N(mean, sigma^2)."""
    m, s = mpmath.mpf(mean), mpmath.mpf(sigma)
    u = (mpmath.mpf(best_f) - m) / s
    h = mpmath.npdf(u) + u * mpmath.ncdf(u)
    return float(mpmath.log(s) + mpmath.log(h)), float(s * h)


def acq_value_and_grad(acqf, x):
    X = torch.tensor(x, dtype=DT).view(1, 1, -1).requires_grad_(True)
    v = acqf(X)
    v.sum().backward()
    return float(v.detach()), X.grad.view(-1).tolist()


def fd_grad(acqf, x, h=1e-6):
    g = []
    for j in range(len(x)):
        xp, xm = np.array(x, dtype=np.float64), np.array(x, dtype=np.float64)
        xp[j] += h
        xm[j] -= h
        with torch.no_grad():
            vp = float(acqf(torch.tensor(xp).view(1, 1, -1)))
            vm = float(acqf(torch.tensor(xm).view(1, 1, -1)))
        g.append((vp - vm) / (2 * h))
    return g


A_CONFIGS = [
    # dim, n, seed, lengthscales, outputscale, noise, offset, amplitude
    (2, 12, 2101, [0.6, 0.8], 1.0, 1e-3, -45.0, 1.5),
    (3, 20, 3101, [0.7, 0.9, 1.1], 1.5, 5e-3, -60.0, 2.0),
]
U_TARGETS = [1.0, 0.0, -1.5, -4.0, -8.0, -15.0]


def part_a_case(dim, n, seed, lengthscales, outputscale, noise, offset, amp):
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, dim))
    phase = rng.uniform(0, 2 * np.pi, size=dim)
    freq = rng.uniform(2.0, 4.0, size=dim)
    y = offset + amp * np.sin(freq * x + phase).sum(1) / math.sqrt(dim)
    y = y + math.sqrt(noise) * rng.normal(size=n)
    model, hp = make_gp(x, y, lengthscales, outputscale, noise)
    best_f = float(y.min())

    # Candidate pool: uniform points plus points near the incumbent.
    xb = x[np.argmin(y)]
    pool = np.vstack([
        np.clip(xb + 0.08 * rng.normal(size=(200, dim)), 0, 1),
        rng.uniform(size=(800, dim)),
    ])
    pm, pv = numpy_posterior(x, y, hp, pool)
    pu = (best_f - pm) / np.sqrt(pv)
    chosen = []
    for t in U_TARGETS:
        order = np.argsort(np.abs(pu - t))
        idx = next(int(i) for i in order if int(i) not in chosen)
        chosen.append(idx)
    x_in = pool[chosen]
    # Two far points, outside the unit cube (posterior ~ prior).
    far = np.vstack([np.full(dim, 3.0), np.linspace(-2.5, -1.5, dim)])
    xt = np.vstack([x_in, far])
    far_flags = [False] * len(x_in) + [True] * len(far)

    with torch.no_grad():
        post = model.posterior(torch.tensor(xt, dtype=DT))
        mean = post.mean.view(-1).numpy().copy()
        var = post.variance.view(-1).numpy().copy()
    nm, nv = numpy_posterior(x, y, hp, xt)
    check_close(mean, nm, TOL_GP, "mean")
    check_close(var, nv, TOL_GP, "variance")
    sigma = np.sqrt(var)
    u = (best_f - mean) / sigma

    log_ei_f = LogExpectedImprovement(model, best_f=best_f, maximize=False)
    ei_f = ExpectedImprovement(model, best_f=best_f, maximize=False)
    ucb_f = UpperConfidenceBound(model, beta=BETA, maximize=False)
    rec = {k: [] for k in ["log_ei", "log_ei_grad", "ei", "ucb_botorch", "ucb_botorch_grad"]}
    for i, xi in enumerate(xt):
        v, g = acq_value_and_grad(log_ei_f, xi)
        rec["log_ei"].append(v)
        rec["log_ei_grad"].append(g)
        with torch.no_grad():
            rec["ei"].append(float(ei_f(torch.tensor(xi).view(1, 1, -1))))
        v, g = acq_value_and_grad(ucb_f, xi)
        rec["ucb_botorch"].append(v)
        rec["ucb_botorch_grad"].append(g)
        # independent checks
        mp_log, mp_ei = mp_log_ei(mean[i], sigma[i], best_f)
        assert abs(rec["log_ei"][-1] - mp_log) <= 1e-9 * max(1.0, abs(mp_log)), (i, rec["log_ei"][-1], mp_log)
        if far_flags[i]:
            assert rec["ei"][-1] == 0.0 and u[i] < -38.0, (i, rec["ei"][-1], u[i])
            assert math.isfinite(rec["log_ei"][-1]) and rec["log_ei"][-1] < -500.0
        else:
            assert abs(rec["ei"][-1] - mp_ei) <= 1e-8 * mp_ei, (i, rec["ei"][-1], mp_ei)
        ucb_ref = -mean[i] + math.sqrt(BETA) * sigma[i]
        assert abs(rec["ucb_botorch"][-1] - ucb_ref) <= 1e-9 * max(1.0, abs(ucb_ref))
        for name, f in (("log_ei_grad", log_ei_f), ("ucb_botorch_grad", ucb_f)):
            ga, gf = np.array(rec[name][-1]), np.array(fd_grad(f, xi))
            scale = max(1.0, np.abs(ga).max()) if not far_flags[i] else max(1e-8, np.abs(ga).max())
            assert np.all(np.abs(ga - gf) <= 1e-5 * scale), (name, i, ga, gf)
        assert all(math.isfinite(t) for t in rec["log_ei_grad"][-1])

    case = {
        "name": f"matern52_d{dim}_n{n}",
        "kernel": "matern52",
        "prior_mean": 0.0,
        "dim": dim,
        "n": n,
        "seed": seed,
        "x_train": fl(x),
        "y_train": fl(y),
        "lengthscales": hp["lengthscales"],
        "outputscale": hp["outputscale"],
        "noise": hp["noise"],
        "best_f": best_f,
        "ucb_beta": BETA,
        "x_test": fl(xt),
        "far_from_data": far_flags,
        "mean": fl(mean),
        "variance": fl(var),
        "sigma": fl(sigma),
        "u": fl(u),
        "ei": rec["ei"],
        "log_ei": rec["log_ei"],
        "log_ei_grad": rec["log_ei_grad"],
        "ucb_botorch": rec["ucb_botorch"],
        "ucb_botorch_grad": rec["ucb_botorch_grad"],
        "lcb": [-v for v in rec["ucb_botorch"]],
        "lcb_grad": [[-g for g in row] for row in rec["ucb_botorch_grad"]],
    }
    print(f"{case['name']}: u = {np.round(u, 2).tolist()}")
    print(f"  log_ei = {np.round(rec['log_ei'], 3).tolist()}")
    return case


# --------------------------------------------------------------------------
# Part B / C
# --------------------------------------------------------------------------
def pareto_min(Y):
    """Indices of non-dominated rows (minimisation), sorted by column 0."""
    idx = []
    for i in range(len(Y)):
        dom = np.any(np.all(Y <= Y[i], axis=1) & np.any(Y < Y[i], axis=1))
        if not dom:
            idx.append(i)
    idx.sort(key=lambda i: (Y[i, 0], Y[i, 1]))
    return idx


def ehvi_2d_closed_form(front, ref, mu, sigma):
    """Independent EHVI for 2 independent Gaussian objectives (minimisation).

    E[HVI] = integral over the non-dominated region below ref of
    P(Y1 <= z1) P(Y2 <= z2) dz.  The region is a union of vertical strips
    [a_i, a_{i+1}) x (-inf, b_i), and
    int_l^u Phi((z-mu)/s) dz = G(u) - G(l), G(z) = (z-mu) Phi(t) + s phi(t).
    """
    f = np.array([p for p in front if p[0] < ref[0] and p[1] < ref[1]])
    f = f[np.argsort(f[:, 0])]

    def G(z, m, s):
        if z == -np.inf:
            return 0.0
        t = (z - m) / s
        return (z - m) * norm.cdf(t) + s * norm.pdf(t)

    xs = [-np.inf] + list(f[:, 0]) + [ref[0]]
    ys = [ref[1]] + list(f[:, 1])
    total = 0.0
    for i in range(len(xs) - 1):
        lo, hi, top = xs[i], xs[i + 1], ys[i]
        w = G(hi, mu[0], sigma[0]) - G(lo, mu[0], sigma[0])
        h = G(top, mu[1], sigma[1])
        total += w * h
    return total


def hv_2d(front, ref):
    f = sorted([tuple(p) for p in front if p[0] < ref[0] and p[1] < ref[1]])
    hv, prev_y = 0.0, ref[1]
    for a, b in f:
        if b < prev_y:
            hv += (ref[0] - a) * (prev_y - b)
            prev_y = b
    return hv


def parts_b_c():
    seed = 4201
    dim, n = 2, 10
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, dim))
    # Two conflicting smooth objectives (minimised), plus tiny noise.
    c0, c1 = np.array([0.2, 0.3]), np.array([0.8, 0.7])
    y0 = 2.0 * ((x - c0) ** 2).sum(1) + 0.1 * np.sin(5 * x[:, 0])
    y1 = 2.0 * ((x - c1) ** 2).sum(1) + 0.1 * np.cos(4 * x[:, 1])
    hps_in = [([0.5, 0.6], 1.0, 1e-4), ([0.6, 0.45], 0.8, 4e-4)]
    ys = [y0 + math.sqrt(hps_in[0][2]) * rng.normal(size=n),
          y1 + math.sqrt(hps_in[1][2]) * rng.normal(size=n)]
    Y = np.stack(ys, axis=1)
    ref = np.ceil((Y.max(0) + 0.1 * (Y.max(0) - Y.min(0))) * 10) / 10  # min frame

    # BoTorch frame: maximise -y.
    models, hps = [], []
    for k in range(2):
        m, hp = make_gp(x, -Y[:, k], *hps_in[k])
        models.append(m)
        hps.append(hp)
    model = ModelListGP(*models)
    model.eval()

    front_idx = pareto_min(Y)
    front = Y[front_idx]
    partitioning = NondominatedPartitioning(
        ref_point=torch.tensor(-ref, dtype=DT), Y=torch.tensor(-Y, dtype=DT)
    )
    bt_front = -partitioning.pareto_Y.numpy()
    assert sorted(map(tuple, bt_front)) == sorted(map(tuple, front)), (bt_front, front)
    ehvi_f = ExpectedHypervolumeImprovement(model=model, ref_point=(-ref).tolist(), partitioning=partitioning)

    # Test points: 5 uniform in [0,1]^2 plus the midpoint of two Pareto inputs.
    xt = np.vstack([rng.uniform(size=(5, dim)), 0.5 * (x[front_idx[0]] + x[front_idx[-1]])])
    Xt = torch.tensor(xt, dtype=DT).unsqueeze(-2)  # 6 x 1 x 2
    with torch.no_grad():
        post = model.posterior(torch.tensor(xt, dtype=DT))
        mean = -post.mean.numpy()  # back to minimisation frame
        var = post.variance.numpy().copy()
        ehvi = ehvi_f(Xt).numpy().copy()
    for k in range(2):
        nm, nv = numpy_posterior(x, Y[:, k], hps[k], xt)
        check_close(mean[:, k], nm, TOL_GP, f"mean obj {k}")
        check_close(var[:, k], nv, TOL_GP, f"variance obj {k}")
    for i in range(len(xt)):
        # BoTorch clamps the variance at 1e-9 before the sqrt; irrelevant here.
        cf = ehvi_2d_closed_form(front, ref, mean[i], np.sqrt(np.maximum(var[i], 1e-9)))
        assert abs(cf - ehvi[i]) <= 1e-10 * max(1.0, abs(cf)), (i, cf, ehvi[i])
    print("EHVI:", ehvi.tolist())

    ehvi_case = {
        "dim": dim,
        "n": n,
        "seed": seed,
        "kernel": "matern52",
        "prior_mean": 0.0,
        "x_train": fl(x),
        "objectives": [
            {"y_train": fl(Y[:, k]), "lengthscales": hps[k]["lengthscales"],
             "outputscale": hps[k]["outputscale"], "noise": hps[k]["noise"]}
            for k in range(2)
        ],
        "pareto_front": fl(front),
        "pareto_front_train_indices": [int(i) for i in front_idx],
        "ref_point": fl(ref),
        "hypervolume_of_front": hv_2d(front, ref),
        "x_test": fl(xt),
        "mean": fl(mean),
        "variance": fl(var),
        "ehvi": fl(ehvi),
    }

    # ---------------- Part C ----------------
    Xb = torch.tensor(x, dtype=DT)
    ref_bt = (-ref).tolist()

    def build(cls, num, sseed):
        torch.manual_seed(12345)  # prune_baseline draws its own (unseeded) sampler
        sampler = SobolQMCNormalSampler(sample_shape=torch.Size([num]), seed=sseed)
        return cls(model=model, ref_point=ref_bt, X_baseline=Xb, sampler=sampler, prune_baseline=True)

    def evaluate(acqf):
        with torch.no_grad():
            return acqf(Xt).numpy().copy()

    qlog = build(qLogNoisyExpectedHypervolumeImprovement, N_SAMPLES, SAMPLER_SEED)
    qlog_vals = evaluate(qlog)
    qne = build(qNoisyExpectedHypervolumeImprovement, N_SAMPLES, SAMPLER_SEED)
    qne_vals = evaluate(qne)
    kept = []
    for row in qlog.X_baseline.numpy():
        kept.append(int(np.argmin(np.abs(x - row).sum(1))))
    kept_ne = [int(np.argmin(np.abs(x - row).sum(1))) for row in qne.X_baseline.numpy()]
    assert sorted(kept) == sorted(kept_ne)
    # Evaluating one point at a time gives the same numbers (shared base samples).
    with torch.no_grad():
        for i in range(len(xt)):
            assert abs(float(qne(Xt[i:i + 1])) - qne_vals[i]) <= 1e-12 * max(1.0, qne_vals[i])

    rq_ne, rq_log = [], []
    for s in RQMC_SEEDS:
        rq_ne.append(evaluate(build(qNoisyExpectedHypervolumeImprovement, N_SAMPLES, s)))
        rq_log.append(np.exp(evaluate(build(qLogNoisyExpectedHypervolumeImprovement, N_SAMPLES, s))))
    rq_ne, rq_log = np.array(rq_ne), np.array(rq_log)
    ref_vals = evaluate(build(qNoisyExpectedHypervolumeImprovement, REF_SAMPLES, SAMPLER_SEED))
    print("qNEHVI(1024):", qne_vals.tolist())
    print("exp qLogNEHVI(1024):", np.exp(qlog_vals).tolist())
    print("qNEHVI rqmc std:", rq_ne.std(0, ddof=1).tolist())
    print("qNEHVI ref:", ref_vals.tolist())

    qnehvi_case = {
        "x_baseline": fl(x),
        "pruned_baseline_indices": sorted(kept),
        "ref_point": fl(ref),
        "x_test": fl(xt),
        "q": 1,
        "sampler": "SobolQMCNormalSampler",
        "sampler_num_samples": N_SAMPLES,
        "sampler_seed": SAMPLER_SEED,
        "qlognehvi_log": fl(qlog_vals),
        "qlognehvi_exp": fl(np.exp(qlog_vals)),
        "qnehvi": fl(qne_vals),
        "rqmc_seeds": RQMC_SEEDS,
        "qnehvi_rqmc_mean": fl(rq_ne.mean(0)),
        "qnehvi_rqmc_std": fl(rq_ne.std(0, ddof=1)),
        "qlognehvi_exp_rqmc_mean": fl(rq_log.mean(0)),
        "qlognehvi_exp_rqmc_std": fl(rq_log.std(0, ddof=1)),
        "reference_num_samples": REF_SAMPLES,
        "qnehvi_reference": fl(ref_vals),
    }
    return ehvi_case, qnehvi_case


NOTES = [
    "Everything is in ParetoPilot's MINIMISATION frame: y_train, pareto_front, ref_point, "
    "posterior means and best_f are values of the objectives to be minimised.",
    "GP: SingleTaskGP(mean_module=ZeroMean(), covar_module=ScaleKernel(MaternKernel(nu=2.5, "
    "ard_num_dims=d)), GaussianLikelihood with the noise set by hand, outcome_transform=None, "
    "no input transform), model.eval(); nothing is fitted. 'noise' is the noise VARIANCE added to "
    "the training diagonal only; 'mean'/'variance' are the LATENT posterior (no noise).",
    "Part A (single_objective_cases): the BoTorch GP is trained on y_train as is (no negation). "
    "EI and LogEI use best_f = min(y_train) and maximize=False, so ei = E[max(best_f - f(x), 0)] "
    "and log_ei = log(ei) (computed stably by BoTorch), both larger-is-better; no sign change was "
    "applied to them. u = (best_f - mean)/sigma.",
    "Part A UCB: BoTorch's UpperConfidenceBound(beta=2.0, maximize=False) returns "
    "-mean + sqrt(beta)*sigma (installed source: ucb = (mean if maximize else -mean) + "
    "sqrt(beta)*sigma); stored unchanged as ucb_botorch (larger is better) with its x-gradient "
    "ucb_botorch_grad. lcb = mean - sqrt(beta)*sigma = -ucb_botorch is the lower confidence bound "
    "(to be minimised), lcb_grad = -ucb_botorch_grad. sigma = sqrt(variance); beta multiplies the "
    "VARIANCE, i.e. the std is scaled by sqrt(2).",
    "Part A gradients (log_ei_grad, ucb_botorch_grad, lcb_grad) are d/dx of the stored value "
    "w.r.t. the test point x (torch autograd), rows aligned with x_test; checked against central "
    "finite differences.",
    "Part A far points (far_from_data = true, last two rows of x_test): the posterior is ~ the "
    "zero-mean prior there, u < -40, BoTorch's ExpectedImprovement underflows to exactly 0.0 and "
    "LogExpectedImprovement is finite (~ -u^2/2 - log(u^2) - log(sqrt(2 pi)) + log(sigma)). The "
    "targets carry a large negative offset (about -45 / -60) relative to the zero prior mean to "
    "make this happen.",
    "Parts B/C: BoTorch maximises, so each objective's SingleTaskGP was trained on -y_train "
    "(same fixed hyperparameters) and combined in a ModelListGP; the BoTorch reference point was "
    "-ref_point and NondominatedPartitioning(ref_point=-ref_point, Y=-Y_train). Hypervolume "
    "improvement is invariant under this joint negation, so ehvi/qnehvi values need no sign "
    "change. The stored 'mean' is the minimisation-frame mean (= -BoTorch posterior mean); "
    "'variance' is unchanged. Because the prior mean is zero, a GP on y_train with the same "
    "hyperparameters gives exactly these means and variances.",
    "Part B: pareto_front is the non-dominated subset of the observed (noisy) y_train, treated "
    "as known/noise-free; ehvi is BoTorch's analytic ExpectedHypervolumeImprovement (independent "
    "objectives), agreeing with an independent closed-form 2-D EHVI to 1e-10.",
    "Part C: qnehvi integrates over the joint posterior of the LATENT f at the (pruned) "
    "baseline and the candidate, so it differs slightly from Part B's ehvi (which uses the "
    "observed front). qlognehvi_log uses BoTorch's smoothed (fat, tau_relu=1e-6, tau_max=1e-3) "
    "log-HVI, so qlognehvi_exp = exp(qlognehvi_log) is close to, but not exactly, qnehvi even with "
    "the same samples. All MC values use SobolQMCNormalSampler(sample_shape=[1024], seed=0) unless "
    "stated; *_rqmc_std is the std over 16 independent scrambles (seeds 1..16) and measures the "
    "MC error of a single 1024-sample estimate; qnehvi_reference uses 2^15 samples.",
]


def main():
    cases = [part_a_case(*c) for c in A_CONFIGS]
    ehvi_case, qnehvi_case = parts_b_c()
    out = {
        "generator": (
            f"botorch {botorch.__version__}, gpytorch {gpytorch.__version__}, "
            f"torch {torch.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, "
            f"mpmath {mpmath.__version__}, Python {sys.version.split()[0]}"
        ),
        "notes": NOTES,
        "single_objective_cases": cases,
        "ehvi_case": ehvi_case,
        "qnehvi_case": qnehvi_case,
    }
    write_fixture(OUT, out)


if __name__ == "__main__":
    main()
