#!/usr/bin/env python3
"""Peer benchmark: batch multi-objective Bayesian optimisation, side by side.

Runs BoTorch (qLogNEHVI), Optuna (GPSampler, TPE, NSGA-II) and plain Sobol
sampling on the same noise-free test problems with the same protocol as
ParetoPilot's `paretopilot bench mobo`, and reports the hypervolume reached and
the time it takes to propose a batch.

Protocol
--------
* Problems (botorch.test_functions.multi_objective, constructed with
  negate=False, so every objective is MINIMISED; noise-free):
      branincurrin   BraninCurrin()                          d=2, M=2, budget 50
      dtlz2          DTLZ2(dim=6, num_objectives=2)          d=6, M=2, budget 60
                     (--dim, --num-objectives; also dtlz1, and zdt1-3 with --dim)
      vehiclesafety  VehicleSafety()                         d=5, M=3, budget 60
      mixeddtlz2     ParetoPilot's MixedDTLZ2 (class below)  d=6 (4 continuous,
                     categoricals of 5 and 3 choices), M=2, budget 50
  Categorical inputs are choice indices; unit-cube values are snapped to
  k / (C - 1) and rounded in the problem's bounds, for every strategy
  (botorch_qlognehvi then reads them as ordinal numbers: the relaxation).
  Reference point and max_hv are the problem's own `ref_point` and `max_hv`
  (ref_point taken from the negate=False instance, i.e. in the minimisation
  frame). For VehicleSafety, BoTorch's max_hv is an estimate, not an exact value.
* Hypervolume: moocore.hypervolume(Y, ref=ref_point) on the minimisation-frame
  objective values of *all* evaluated points (points that do not dominate the
  reference point contribute nothing).
* Initial design (--initial, default 2(d+1)): the first n_init = 2(d+1) points of a scrambled Sobol sequence,
  torch.quasirandom.SobolEngine(d, scramble=True, seed=seed), scaled from the unit
  cube to the problem bounds. Every strategy starts from exactly these points.
* After that, batches of q (default 4) points until `budget` evaluations in total
  (the initial design counts; the last batch is smaller if budget - n_init is not
  a multiple of q, so the total is exactly `budget`).
* Strategies:
    sobol               every point is Sobol: the same engine continues after the
                        initial design, q points per batch.
    botorch_qlognehvi   the BoTorch multi-objective tutorial: inputs normalised to
                        the unit cube with the problem bounds; objectives negated
                        (BoTorch maximises). ModelListGP of one SingleTaskGP per
                        objective (float64, input_transform=Normalize(d),
                        outcome_transform=Standardize(1), BoTorch's default kernel,
                        priors and inferred noise), each fitted with
                        fit_gpytorch_mll on its ExactMarginalLogLikelihood.
                        qLogNoisyExpectedHypervolumeImprovement(ref_point=-ref,
                        X_baseline=all observed X, prune_baseline=True,
                        sampler=SobolQMCNormalSampler(128)), optimize_acqf on the
                        unit cube with q, num_restarts=10, raw_samples=512,
                        sequential=True, options={"batch_limit": 5, "maxiter": 200}.
                        torch.manual_seed(seed) once at the start of the run.
                        Normalize(d) is given the fixed unit-cube bounds by default
                        (--normalize bounds; the model inputs are then exactly the
                        bounds-normalised x, as in the tutorial); --normalize data
                        lets Normalize learn min/max from the observed X instead.
    botorch_mixed       (mixed problems) MixedSingleTaskGP per objective with
                        cat_dims, qLogNEHVI as above, optimize_acqf_mixed over
                        every combination of choices (fixed_features_list).
    botorch_saas        as botorch_qlognehvi with SaasFullyBayesianSingleTaskGP
                        per objective (unit-cube inputs, Standardize(1)) fitted by
                        fit_fully_bayesian_model_nuts(warmup_steps=256,
                        num_samples=128, thinning=16): AID(2)E's configuration
                        (--nuts-warmup, --nuts-samples, --nuts-thinning);
                        needs jax, jaxlib and numpyro.
    optuna_gpsampler    Optuna study, directions all "minimize", one float
    optuna_tpe          parameter x{i} per dimension with the problem bounds.
    optuna_nsga2        The n_init Sobol points are enqueued (study.enqueue_trial),
                        asked and told first; then q trials are asked, evaluated
                        together and told, per batch. Samplers:
                          GPSampler(seed=seed, n_startup_trials=n_init)
                          TPESampler(seed=seed, n_startup_trials=n_init)
                          NSGAIISampler(seed=seed, population_size=--nsga2-population
                                        or Optuna's default 50)
                        Everything else is Optuna's default (e.g. GPSampler treats
                        the objective as noisy, TPE uses constant_liar=True).
                        n_startup_trials = n_init makes the model-based phase start
                        right after the shared initial design, as for BoTorch
                        (Optuna's default of 10 would add random trials first).
* Timing: `median_ask_s` is the median wall time (time.perf_counter) of proposing
  one batch after the initial design:
      botorch: building the models + fit_gpytorch_mll + building the acquisition
               function + optimize_acqf + mapping back to the problem bounds;
      optuna:  q calls of study.ask(fixed_distributions) (this includes the
               sampler's relative and independent sampling of all parameters);
      sobol:   drawing q Sobol points.
  Objective evaluations, tell and hypervolume computation are not timed.
* Single-threaded: OPENBLAS/OMP/MKL/VECLIB/NUMEXPR thread counts are set to 1
  before numpy/torch are imported and torch.set_num_threads(--threads) is called
  right after importing torch.

Output: one JSON object per (problem, strategy, seed) on its own line on stdout:
    {"problem", "strategy", "seed", "budget", "batch", "hv", "max_hv",
     "log10_hv_diff", "median_ask_s", "hv_trace", "n_trace", "ask_s_trace",
     "n_init", "d", "m", "ref_point", "total_s"}
  hv            hypervolume of all `budget` evaluated points
  log10_hv_diff log10(max_hv - hv); null if hv >= max_hv (possible only where
                max_hv is an estimate)
  hv_trace      hypervolume after each batch; the first entry is after the
                initial design, the last equals hv
  n_trace       number of evaluations after each hv_trace entry
  ask_s_trace   the individual ask times (one per batch after the initial design)
                whose median is median_ask_s
  total_s       wall time of the whole run (evaluations included)
Progress and library warnings go to stderr.

How to run
----------
    pip install botorch moocore optuna
    python3 Benchmarks/peers/mobo_peers.py --problem branincurrin --strategy botorch_qlognehvi --seeds 10
    python3 Benchmarks/peers/mobo_peers.py --problem all --strategy all --seeds 5 > mobo.jsonl
    python3 Benchmarks/peers/mobo_peers.py --problem branincurrin --strategy sobol --budget 14 --seeds 1  # smoke

Packages: numpy, torch, gpytorch, botorch, moocore, optuna (optuna only for the
optuna_* strategies), jax, jaxlib and numpyro (only for botorch_saas).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import math
import statistics
import sys
import time
import warnings

import numpy as np
import torch

torch.set_num_threads(1)

import moocore  # noqa: E402
from botorch.test_functions import multi_objective as mo  # noqa: E402

DTYPE = torch.float64

class MixedDTLZ2:
    """ParetoPilot's `mixeddtlz2` (Sources/Problems/MultiObjective/MixedDTLZ2.swift): DTLZ2 (M=2)
    on x0..x3 in [0, 1] whose distance g also gets a[c0] + b[c1] for two categorical inputs
    (c0 of 5 choices, c1 of 3, held as indices in columns 4 and 5); front at c0=1, c1=2."""

    first_effects = [0.45, 0.0, 0.7, 0.2, 0.55]
    second_effects = [0.3, 0.55, 0.0]
    dim = 6
    num_objectives = 2
    choices = [0, 0, 0, 0, 5, 3]  # 0: continuous

    def __init__(self):
        self.bounds = torch.tensor([[0.0] * 6, [1.0, 1.0, 1.0, 1.0, 4.0, 2.0]], dtype=DTYPE)
        self.ref_point = torch.tensor([1.1, 1.1], dtype=DTYPE)
        self.max_hv = 1.21 - math.pi / 4

    def to(self, dtype):
        return self

    def evaluate_true(self, X: torch.Tensor) -> torch.Tensor:
        a = torch.tensor(self.first_effects, dtype=DTYPE)
        b = torch.tensor(self.second_effects, dtype=DTYPE)
        c0 = X[:, 4].round().clamp(0, 4).long()
        c1 = X[:, 5].round().clamp(0, 2).long()
        g = ((X[:, 1:4] - 0.5) ** 2).sum(-1) + a[c0] + b[c1]
        angle = X[:, 0] * math.pi / 2
        return torch.stack([(1 + g) * torch.cos(angle), (1 + g) * torch.sin(angle)], dim=-1)


PROBLEMS = {
    # name: (constructor of the command-line arguments (--dim, --num-objectives), default budget)
    "branincurrin": (lambda a: mo.BraninCurrin(negate=False), 50),
    "dtlz1": (lambda a: mo.DTLZ1(dim=a.dim or 6, num_objectives=a.num_objectives or 2, negate=False), 60),
    "dtlz2": (lambda a: mo.DTLZ2(dim=a.dim or 6, num_objectives=a.num_objectives or 2, negate=False), 60),
    "zdt1": (lambda a: mo.ZDT1(dim=a.dim or 4, negate=False), 60),
    "zdt2": (lambda a: mo.ZDT2(dim=a.dim or 4, negate=False), 60),
    "zdt3": (lambda a: mo.ZDT3(dim=a.dim or 4, negate=False), 60),
    "vehiclesafety": (lambda a: mo.VehicleSafety(negate=False), 60),
    "mixeddtlz2": (lambda a: MixedDTLZ2(), 50),
}

STRATEGIES = ("sobol", "botorch_qlognehvi", "botorch_saas", "botorch_mixed", "optuna_gpsampler", "optuna_tpe",
              "optuna_nsga2")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Problem:
    """A BoTorch test problem in the minimisation frame, evaluated in float64."""

    def __init__(self, name: str, args):
        self.name = name
        self.fn = PROBLEMS[name][0](args)
        self.fn = self.fn.to(dtype=DTYPE)
        self.d = int(self.fn.dim)
        self.m = int(self.fn.num_objectives)
        self.bounds = self.fn.bounds.to(DTYPE)  # 2 x d
        self.ref = self.fn.ref_point.detach().cpu().numpy().astype(np.float64)
        self.max_hv = float(self.fn.max_hv)
        self.n_init = args.initial or 2 * (self.d + 1)
        # Number of choices per input (0: continuous); categorical inputs are choice indices.
        self.choices = list(getattr(self.fn, "choices", [0] * self.d))
        self.categorical = [j for j, c in enumerate(self.choices) if c]

    def to_bounds(self, u: torch.Tensor) -> torch.Tensor:
        lb, ub = self.bounds[0], self.bounds[1]
        x = lb + u * (ub - lb)
        for j in self.categorical:
            x[..., j] = x[..., j].round()
        return x

    def snap_unit(self, u: torch.Tensor) -> torch.Tensor:
        """Unit-cube points with categorical coordinates on their choices' values k / (C - 1)."""
        u = u.clone()
        for j in self.categorical:
            c = self.choices[j]
            u[..., j] = (u[..., j] * (c - 1)).round() / (c - 1)
        return u

    def to_unit(self, x: torch.Tensor) -> torch.Tensor:
        lb, ub = self.bounds[0], self.bounds[1]
        return (x - lb) / (ub - lb)

    def evaluate(self, X: torch.Tensor) -> torch.Tensor:
        """Noise-free objective values (n x m) of points X (n x d) in problem bounds."""
        with torch.no_grad():
            return self.fn.evaluate_true(X.to(DTYPE)).to(DTYPE)

    def hv(self, Y: np.ndarray) -> float:
        return float(moocore.hypervolume(np.asarray(Y, dtype=np.float64), ref=self.ref))


def batch_sizes(budget: int, n_init: int, q: int) -> list:
    rest = budget - n_init
    sizes = [q] * (rest // q)
    if rest % q:
        sizes.append(rest % q)
    return sizes


# ---------------------------------------------------------------- strategies

def run_sobol(problem: Problem, engine, sizes: list, seed: int, args):
    X = [problem.to_bounds(engine.draw(problem.n_init, dtype=DTYPE))]
    Y = [problem.evaluate(X[0])]
    yield X, Y, None
    for q in sizes:
        t0 = time.perf_counter()
        x = problem.to_bounds(engine.draw(q, dtype=DTYPE))
        dt = time.perf_counter() - t0
        X.append(x)
        Y.append(problem.evaluate(x))
        yield X, Y, dt


def qlognehvi(model, ref_max, X_baseline, args):
    """qLogNEHVI as the BoTorch tutorial builds it: pruned baseline, 128 Sobol QMC samples."""
    from botorch.acquisition.multi_objective.logei import (
        qLogNoisyExpectedHypervolumeImprovement,
    )
    from botorch.sampling.normal import SobolQMCNormalSampler

    return qLogNoisyExpectedHypervolumeImprovement(
        model=model,
        ref_point=ref_max.tolist(),
        X_baseline=X_baseline,
        prune_baseline=True,
        sampler=SobolQMCNormalSampler(sample_shape=torch.Size([args.mc_samples])),
    )


def fit_saas_models(U_all, Y_max, args):
    """One SaasFullyBayesianSingleTaskGP per objective, sampled by NUTS (AID(2)E's configuration:
    256 warm-up steps, 128 samples, thinning 16, i.e. 8 hyperparameter draws per model)."""
    from botorch.fit import fit_fully_bayesian_model_nuts
    from botorch.models.fully_bayesian import SaasFullyBayesianSingleTaskGP
    from botorch.models.transforms.outcome import Standardize

    models = []
    for i in range(Y_max.shape[-1]):
        model_i = SaasFullyBayesianSingleTaskGP(U_all, Y_max[:, i:i + 1], outcome_transform=Standardize(m=1))
        fit_fully_bayesian_model_nuts(
            model_i,
            warmup_steps=args.nuts_warmup,
            num_samples=args.nuts_samples,
            thinning=args.nuts_thinning,
            disable_progbar=True,
        )
        models.append(model_i)
    return models


def fitted(model):
    """The model with its hyperparameters fitted by maximising its exact marginal likelihood."""
    from botorch.fit import fit_gpytorch_mll
    from gpytorch.mlls import ExactMarginalLogLikelihood

    fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
    return model


def batch_options(models: list, ref_max, U_all, unit_bounds, q: int, args) -> dict:
    """qLogNEHVI over the fitted models and optimize_acqf's settings, the same for the continuous and the
    mixed BoTorch peers."""
    from botorch.models import ModelListGP

    return dict(
        acq_function=qlognehvi(ModelListGP(*models), ref_max, U_all, args),
        bounds=unit_bounds,
        q=q,
        num_restarts=args.num_restarts,
        raw_samples=args.raw_samples,
        options={"batch_limit": 5, "maxiter": 200},
    )


def append_batch(problem: Problem, cand, U_all, X: list, Y: list, t0: float):
    """Snaps BoTorch's candidate batch to the problem's grid, evaluates it and appends it to X and Y;
    returns the unit-cube designs so far and the seconds since t0 (the ask's time, evaluation excluded)."""
    u = problem.snap_unit(cand.detach().clamp(0.0, 1.0))
    x = problem.to_bounds(u)
    dt = time.perf_counter() - t0
    X.append(x)
    Y.append(problem.evaluate(x))
    return torch.cat([U_all, u]), dt


def run_botorch(problem: Problem, engine, sizes: list, seed: int, args):
    from botorch.models import SingleTaskGP
    from botorch.models.transforms.input import Normalize
    from botorch.models.transforms.outcome import Standardize
    from botorch.optim import optimize_acqf

    torch.manual_seed(seed)
    d = problem.d
    unit_bounds = torch.stack([torch.zeros(d, dtype=DTYPE), torch.ones(d, dtype=DTYPE)])
    ref_max = torch.as_tensor(-problem.ref, dtype=DTYPE)  # BoTorch maximises

    U_all = problem.snap_unit(engine.draw(problem.n_init, dtype=DTYPE))  # unit-cube inputs
    X = [problem.to_bounds(U_all)]
    Y = [problem.evaluate(X[0])]
    yield X, Y, None
    for q in sizes:
        t0 = time.perf_counter()
        Y_max = -torch.cat(Y)  # n x m, maximisation frame
        models = []
        if args.strategy_now == "botorch_saas":
            models = fit_saas_models(U_all, Y_max, args)
        for i in range(problem.m if not models else 0):
            tf = Normalize(d=d, bounds=unit_bounds) if args.normalize == "bounds" else Normalize(d=d)
            models.append(fitted(SingleTaskGP(
                U_all, Y_max[:, i:i + 1],
                input_transform=tf,
                outcome_transform=Standardize(m=1),
            )))
        options = batch_options(models, ref_max, U_all, unit_bounds, q, args)
        cand, _ = optimize_acqf(**options, sequential=True)
        U_all, dt = append_batch(problem, cand, U_all, X, Y, t0)
        yield X, Y, dt


def run_botorch_mixed(problem: Problem, engine, sizes: list, seed: int, args):
    """BoTorch's mixed-space recipe: MixedSingleTaskGP per objective (cat_dims = the categorical
    inputs; kernel = ScaleKernel(RBF + ScaleKernel(Categorical)) + ScaleKernel(RBF x Categorical)),
    qLogNEHVI as in run_botorch, optimised by optimize_acqf_mixed over every combination of
    choices (fixed_features_list), sequential greedy over the batch."""
    import itertools

    from botorch.models import MixedSingleTaskGP
    from botorch.models.transforms.outcome import Standardize
    from botorch.optim import optimize_acqf_mixed

    if not problem.categorical:
        raise SystemExit(f"botorch_mixed needs a problem with categorical inputs; {problem.name} has none")
    torch.manual_seed(seed)
    d = problem.d
    unit_bounds = torch.stack([torch.zeros(d, dtype=DTYPE), torch.ones(d, dtype=DTYPE)])
    ref_max = torch.as_tensor(-problem.ref, dtype=DTYPE)
    levels = [[k / (problem.choices[j] - 1) for k in range(problem.choices[j])] for j in problem.categorical]
    fixed_features_list = [dict(zip(problem.categorical, combo)) for combo in itertools.product(*levels)]

    U_all = problem.snap_unit(engine.draw(problem.n_init, dtype=DTYPE))
    X = [problem.to_bounds(U_all)]
    Y = [problem.evaluate(X[0])]
    yield X, Y, None
    for q in sizes:
        t0 = time.perf_counter()
        Y_max = -torch.cat(Y)
        models = []
        for i in range(problem.m):
            models.append(fitted(MixedSingleTaskGP(
                U_all, Y_max[:, i:i + 1], cat_dims=problem.categorical, outcome_transform=Standardize(m=1)
            )))
        options = batch_options(models, ref_max, U_all, unit_bounds, q, args)
        cand, _ = optimize_acqf_mixed(**options, fixed_features_list=fixed_features_list)
        U_all, dt = append_batch(problem, cand, U_all, X, Y, t0)
        yield X, Y, dt


def run_optuna(problem: Problem, engine, sizes: list, seed: int, args):
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

    n_init = problem.n_init
    if args.strategy_now == "optuna_gpsampler":
        sampler = optuna.samplers.GPSampler(seed=seed, n_startup_trials=n_init)
    elif args.strategy_now == "optuna_tpe":
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=n_init)
    elif args.strategy_now == "optuna_nsga2":
        kw = {} if args.nsga2_population is None else {"population_size": args.nsga2_population}
        sampler = optuna.samplers.NSGAIISampler(seed=seed, **kw)
    else:
        raise ValueError(args.strategy_now)

    study = optuna.create_study(directions=["minimize"] * problem.m, sampler=sampler)
    lb = problem.bounds[0].tolist()
    ub = problem.bounds[1].tolist()
    names = [f"x{i}" for i in range(problem.d)]
    # Categorical inputs as Optuna categoricals of their choice indices (GPSampler: overlap kernel).
    dists = {
        n: CategoricalDistribution(list(range(c))) if c else FloatDistribution(lo, hi)
        for n, lo, hi, c in zip(names, lb, ub, problem.choices)
    }

    def ask_evaluate_tell(count: int):
        t0 = time.perf_counter()
        trials = [study.ask(fixed_distributions=dists) for _ in range(count)]
        dt = time.perf_counter() - t0
        x = torch.tensor([[float(t.params[n]) for n in names] for t in trials], dtype=DTYPE)
        y = problem.evaluate(x)
        for t, yi in zip(trials, y.tolist()):
            study.tell(t, yi)
        return x, y, dt

    X0 = problem.to_bounds(engine.draw(n_init, dtype=DTYPE))
    for row in X0.tolist():
        study.enqueue_trial({n: int(v) if c else v for n, v, c in zip(names, row, problem.choices)})
    x, y, _ = ask_evaluate_tell(n_init)
    if not torch.equal(x, X0):
        log(f"warning: enqueued initial design came back changed (max |diff| "
            f"{(x - X0).abs().max().item():.3g})")
    X, Y = [x], [y]
    yield X, Y, None
    for q in sizes:
        x, y, dt = ask_evaluate_tell(q)
        X.append(x)
        Y.append(y)
        yield X, Y, dt


RUNNERS = {
    "sobol": run_sobol,
    "botorch_qlognehvi": run_botorch,
    "botorch_saas": run_botorch,
    "botorch_mixed": run_botorch_mixed,
    "optuna_gpsampler": run_optuna,
    "optuna_tpe": run_optuna,
    "optuna_nsga2": run_optuna,
}


def run_one(problem: Problem, strategy: str, seed: int, budget: int, q: int, args) -> dict:
    if budget < problem.n_init:
        raise SystemExit(f"budget {budget} is smaller than the initial design {problem.n_init}")
    sizes = batch_sizes(budget, problem.n_init, q)
    engine = torch.quasirandom.SobolEngine(dimension=problem.d, scramble=True, seed=seed)
    args.strategy_now = strategy
    hv_trace, n_trace, ask_times = [], [], []
    t_start = time.perf_counter()
    X = Y = None
    for X, Y, dt in RUNNERS[strategy](problem, engine, sizes, seed, args):
        Ycat = torch.cat(Y).cpu().numpy()
        hv_trace.append(problem.hv(Ycat))
        n_trace.append(int(Ycat.shape[0]))
        if dt is not None:
            ask_times.append(dt)
        log(f"[{problem.name} {strategy} seed={seed}] n={n_trace[-1]} hv={hv_trace[-1]:.6g}"
            + (f" ask={dt:.3f}s" if dt is not None else ""))
    total_s = time.perf_counter() - t_start
    n_eval = int(torch.cat(Y).shape[0])
    assert n_eval == budget, (n_eval, budget)
    hv = hv_trace[-1]
    diff = problem.max_hv - hv
    return {
        "problem": problem.name,
        "strategy": strategy,
        "seed": seed,
        "budget": budget,
        "batch": q,
        "hv": hv,
        "max_hv": problem.max_hv,
        "log10_hv_diff": math.log10(diff) if diff > 0 else None,
        "median_ask_s": statistics.median(ask_times) if ask_times else None,
        "hv_trace": hv_trace,
        "n_trace": n_trace,
        "ask_s_trace": ask_times,
        "n_init": problem.n_init,
        "d": problem.d,
        "m": problem.m,
        "ref_point": problem.ref.tolist(),
        "total_s": total_s,
    }


def versions() -> str:
    import botorch
    import gpytorch
    parts = [f"python {sys.version.split()[0]}", f"torch {torch.__version__}",
             f"botorch {botorch.__version__}", f"gpytorch {gpytorch.__version__}",
             f"numpy {np.__version__}", f"moocore {moocore.__version__}"]
    try:
        import optuna
        parts.append(f"optuna {optuna.__version__}")
    except ImportError:
        parts.append("optuna (not installed)")
    return ", ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problem", nargs="+", required=True,
                    choices=list(PROBLEMS) + ["all"], help="problem name(s), or all")
    ap.add_argument("--strategy", nargs="+", required=True,
                    choices=list(STRATEGIES) + ["all"], help="strategy name(s), or all")
    ap.add_argument("--seeds", type=int, default=1, help="run seeds first..first+S-1 (default 1)")
    ap.add_argument("--first-seed", type=int, default=0, help="first seed (default 0)")
    ap.add_argument("--budget", type=int, default=None,
                    help="total evaluations incl. the initial design (default: per problem)")
    ap.add_argument("--batch", type=int, default=4, help="batch size q (default 4)")
    ap.add_argument("--dim", type=int, default=None, help="input dimension (DTLZ, ZDT)")
    ap.add_argument("--num-objectives", type=int, default=None, help="objectives (DTLZ)")
    ap.add_argument("--initial", type=int, default=None, help="initial Sobol designs (default 2(d+1))")
    ap.add_argument("--nuts-warmup", type=int, default=256, help="botorch_saas NUTS warm-up steps (default 256)")
    ap.add_argument("--nuts-samples", type=int, default=128, help="botorch_saas NUTS samples (default 128)")
    ap.add_argument("--nuts-thinning", type=int, default=16, help="botorch_saas NUTS thinning (default 16)")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    ap.add_argument("--normalize", choices=("bounds", "data"), default="bounds",
                    help="botorch: Normalize(d) with the fixed unit-cube bounds (default) "
                         "or learned from the data")
    ap.add_argument("--mc-samples", type=int, default=128, help="botorch QMC samples (default 128)")
    ap.add_argument("--num-restarts", type=int, default=10, help="botorch optimize_acqf (default 10)")
    ap.add_argument("--raw-samples", type=int, default=512, help="botorch optimize_acqf (default 512)")
    ap.add_argument("--nsga2-population", type=int, default=None,
                    help="NSGAIISampler population_size (default: Optuna's, 50)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    if args.batch < 1:
        raise SystemExit("--batch must be >= 1")
    problems = list(PROBLEMS) if "all" in args.problem else list(dict.fromkeys(args.problem))
    strategies = list(STRATEGIES) if "all" in args.strategy else list(dict.fromkeys(args.strategy))
    log(versions() + f"; torch threads {torch.get_num_threads()}")

    for pname in problems:
        problem = Problem(pname, args)
        budget = args.budget if args.budget is not None else PROBLEMS[pname][1]
        for strategy in strategies:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                rec = run_one(problem, strategy, seed, budget, args.batch, args)
                print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
