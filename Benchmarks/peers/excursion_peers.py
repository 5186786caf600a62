#!/usr/bin/env python3
"""Excursion-set peers on the 2-D "physics" function of ../../../shared/REFERENCE.md, same output format
as `paretopilot bench excursion` (one JSON line per strategy and seed, accuracy after every batch on a
100 x 100 grid):

  sklearn_straddle   scikit-learn GP (constant x RBF, 10 restarts) + straddle 1.96 s - |m - t| over a
                     41 x 41 candidate grid, kriging-believer batches, 6 random initial points
  excursion_entropy  the `excursion` package (diana-hep): its GP (`get_gp`) and its
                     `batched_gridsearch` (information gain on the threshold labels, kriging
                     believer by refitting on predicted values), 6 random initial points
  uniform            random points and the same scikit-learn GP

Setup:  pip install scikit-learn scipy pyyaml click && pip install --no-deps excursion==0.0.1a0
Usage:  python3 Benchmarks/peers/excursion_peers.py --seeds 5 --budget 40 --batch 4 > peers.jsonl
Nothing of the packages is copied into ParetoPilot: this script only runs them.
"""
import argparse
import contextlib
import io
import json
import sys
import time
import warnings

import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel


def truth(x):
    xv, yv = x[:, 0], x[:, 1]
    xsec = 12 * np.exp(-xv / 2) + 0.1 * np.cos(10 * yv + 1) + 0.2 * np.cos(15 * xv)
    eff = np.tanh(1.3 * xv - yv + 1)
    stats = (1 - np.tanh(xsec * eff - 5)) / 2
    return 3 * (np.log(stats) - np.log(0.05))


THRESHOLD = 0.0
LOWER, UPPER = 0.0, 1.5


def grid(per_side):
    values = np.linspace(LOWER, UPPER, per_side)
    return np.array([[a, b] for a in values for b in values])


SCORE_GRID = grid(100)
SCORE_TRUTH = truth(SCORE_GRID) > THRESHOLD
CANDIDATES = grid(41)


def accuracy(gp):
    return float(np.mean((gp.predict(SCORE_GRID) > THRESHOLD) == SCORE_TRUTH))


def sklearn_gp(X, y):
    kernel = ConstantKernel() * RBF(length_scale=[1.0, 1.0], length_scale_bounds=[0.01, 100.0])
    gp = GaussianProcessRegressor(kernel=kernel, n_restarts_optimizer=10, alpha=1e-7, random_state=1234,
                                  normalize_y=True)
    gp.fit(X, y)
    return gp


def run_straddle(seed, budget, batch, uniform=False):
    rng = np.random.default_rng(seed)
    X = rng.uniform(LOWER, UPPER, size=(6, 2))
    y = truth(X)
    gp = sklearn_gp(X, y)
    history = [{"evaluations": len(X), "accuracy": accuracy(gp)}]
    while len(X) < budget:
        q = min(batch, budget - len(X))
        if uniform:
            new = rng.uniform(LOWER, UPPER, size=(q, 2))
        else:
            believer_X, believer_y, believer = X.copy(), y.copy(), gp
            new = []
            for _ in range(q):
                mean, std = believer.predict(CANDIDATES, return_std=True)
                score = 1.96 * std - np.abs(mean - THRESHOLD)
                for point in new + list(X):
                    score[np.all(np.isclose(CANDIDATES, point), axis=1)] = -np.inf
                x = CANDIDATES[int(np.argmax(score))]
                new.append(x)
                believer_X = np.vstack([believer_X, x])
                believer_y = np.append(believer_y, believer.predict(x[None, :]))
                believer = GaussianProcessRegressor(kernel=believer.kernel_, optimizer=None, alpha=1e-7,
                                                    normalize_y=True).fit(believer_X, believer_y)
            new = np.array(new)
        X = np.vstack([X, new])
        y = np.append(y, truth(new))
        gp = sklearn_gp(X, y)
        history.append({"evaluations": len(X), "accuracy": accuracy(gp)})
    return history, X


def run_excursion(seed, budget, batch):
    import excursion
    import excursion.optimize
    from excursion import utils

    class Details:
        pass

    details = Details()
    details.thresholds = [THRESHOLD]
    details.acqX = CANDIDATES
    details.meanX = CANDIDATES
    rng = np.random.default_rng(seed)
    X = rng.uniform(LOWER, UPPER, size=(6, 2))
    y = truth(X)
    make = lambda X_, y_: excursion.get_gp(X_, y_)
    gp = make(X, y)
    history = [{"evaluations": len(X), "accuracy": accuracy(gp)}]
    while len(X) < budget:
        q = min(batch, budget - len(X))
        with contextlib.redirect_stdout(io.StringIO()):
            new, _ = excursion.optimize.batched_gridsearch([gp], X, details, gp_maker=make, batchsize=q)
        X = np.vstack([X, new])
        y = np.append(y, truth(new))
        gp = make(X, y)
        history.append({"evaluations": len(X), "accuracy": accuracy(gp)})
    return history, X


def main():
    warnings.filterwarnings("ignore")
    np.seterr(all="ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--strategy", nargs="+", default=["sklearn_straddle", "uniform", "excursion_entropy"])
    args = parser.parse_args()
    for strategy in args.strategy:
        for seed in range(args.seeds):
            start = time.time()
            if strategy == "excursion_entropy":
                history, X = run_excursion(seed, args.budget, args.batch)
            else:
                history, X = run_straddle(seed, args.budget, args.batch, uniform=strategy == "uniform")
            print(json.dumps({"problem": "2d", "acquisition": strategy, "seed": seed, "batch": args.batch,
                              "seconds": time.time() - start, "implementation": "peer",
                              "history": history, "inputs": X.tolist()}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
