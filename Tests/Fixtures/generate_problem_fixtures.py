#!/usr/bin/env python3
"""Generate multi-objective test-problem oracle fixtures for ParetoPilot from BoTorch.

What it generates
-----------------
``problems_botorch.json`` (next to this script): for each BoTorch multi-objective test
problem / setting below, the problem's metadata (dim, num_objectives, bounds, reference
point, maximal hypervolume) and noise-free objective values ``evaluate_true(x)`` at 8 inputs:
6 points drawn uniformly in the bounds with a fixed seed, then the lower corner and the upper
corner of the box (in that order). For C2DTLZ2 the constraint slack
``evaluate_slack_true(x)`` is included as well (feasible iff slack >= 0).

All problems are constructed with BoTorch's defaults (``negate=False``, ``noise_std=None``),
so ALL OBJECTIVES ARE MINIMISED and ``ref_point`` is BoTorch's ``_ref_point`` as written in the
source (with ``negate=True`` BoTorch would negate both the objectives and ``ref_point``;
``max_hv`` does not change sign). Everything is float64
(``torch.set_default_dtype(torch.float64)`` and ``dtype=torch.float64``).

Layout::

    {
      "generator": "botorch <ver>, torch <ver>",
      "seed": 20240611,
      "notes": [str, ...],
      "problems": [
        {"name": "dtlz2",              # lower-case problem name (several settings may share it)
         "case": "dtlz2_d6_m3",        # unique case id
         "dim": 6, "num_objectives": 3,
         "bounds": [[lo, ...], [hi, ...]],
         "ref_point": [...],           # problem.ref_point (negate=False)
         "max_hv": float or null,      # problem.max_hv (null if BoTorch raises NotImplementedError)
         "x": [[...], ...],            # 8 x dim
         "f": [[...], ...],            # 8 x num_objectives, problem.evaluate_true(x)
         "constraint_slack": [[...], ...] or null},   # 8 x num_constraints (C2DTLZ2 only)
        ...
      ]
    }

Cases: branincurrin; dtlz1 (d6,m2), (d7,m3); dtlz2 (d6,m2), (d6,m3), (d8,m4);
zdt1, zdt2, zdt3 (d4, m2); vehiclesafety (d5,m3); c2dtlz2 (d6,m2); carsideimpact (d7,m4).

Random inputs of case number i (0-based, in the order above) are
``lo + (hi - lo) * torch.rand(6, dim, generator=torch.Generator().manual_seed(SEED + i))``.

How to run
----------
    pip install botorch          # pulls torch, scipy, gpytorch
    python3 Tests/Fixtures/generate_problem_fixtures.py

Versions used to produce the committed JSON: botorch 0.18.1, torch 2.13.0+cpu, Python 3.11.7.
Everything is seeded, so reruns with the same versions reproduce the JSON bit-for-bit
(up to float formatting by ``json``, which round-trips float64 exactly via ``repr``).
"""

from __future__ import annotations

import math
import os
import sys

import botorch
import torch
from botorch.test_functions.multi_objective import (
    C2DTLZ2,
    DTLZ1,
    DTLZ2,
    ZDT1,
    ZDT2,
    ZDT3,
    BraninCurrin,
    CarSideImpact,
    VehicleSafety,
)
from fixture_io import write_fixture

SEED = 20240611
N_RANDOM = 6
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "problems_botorch.json")

torch.set_default_dtype(torch.float64)
DT = torch.float64

# (name, case, constructor)
CASES = [
    ("branincurrin", "branincurrin", lambda: BraninCurrin(dtype=DT)),
    ("dtlz1", "dtlz1_d6_m2", lambda: DTLZ1(dim=6, num_objectives=2, dtype=DT)),
    ("dtlz1", "dtlz1_d7_m3", lambda: DTLZ1(dim=7, num_objectives=3, dtype=DT)),
    ("dtlz2", "dtlz2_d6_m2", lambda: DTLZ2(dim=6, num_objectives=2, dtype=DT)),
    ("dtlz2", "dtlz2_d6_m3", lambda: DTLZ2(dim=6, num_objectives=3, dtype=DT)),
    ("dtlz2", "dtlz2_d8_m4", lambda: DTLZ2(dim=8, num_objectives=4, dtype=DT)),
    ("zdt1", "zdt1_d4", lambda: ZDT1(dim=4, dtype=DT)),
    ("zdt2", "zdt2_d4", lambda: ZDT2(dim=4, dtype=DT)),
    ("zdt3", "zdt3_d4", lambda: ZDT3(dim=4, dtype=DT)),
    ("vehiclesafety", "vehiclesafety", lambda: VehicleSafety(dtype=DT)),
    ("c2dtlz2", "c2dtlz2_d6_m2", lambda: C2DTLZ2(dim=6, num_objectives=2, dtype=DT)),
    ("carsideimpact", "carsideimpact", lambda: CarSideImpact(dtype=DT)),
]

NOTES = [
    "All objectives are minimised (BoTorch problems constructed with negate=False, noise_std=None).",
    "f = problem.evaluate_true(x): noise-free and NOT negated (forward() would apply negate).",
    "ref_point = problem.ref_point with negate=False, i.e. the class's _ref_point as written.",
    "max_hv = problem.max_hv as BoTorch reports it (not re-derived). DTLZ1: 400^M - 1/2^M "
    "(BoTorch's formula; the exact HV of the front sum f_i = 0.5 is 400^M - 0.5^M / M!). "
    "DTLZ2: 1.1^M - pi^(M/2) / Gamma(M/2 + 1) / 2^M. C2DTLZ2: constant 0.3996406303723544 "
    "(NSGA-II approximation) regardless of M.",
    "x rows 0..5: uniform random in bounds; row 6: lower corner; row 7: upper corner.",
    "constraint_slack (C2DTLZ2 only) = problem.evaluate_slack_true(x), shape n x 1; feasible iff >= 0.",
    "BraninCurrin at x2 = 0: Currin's factor 1 - exp(-1/(2*x2)) evaluates to 1 - exp(-inf) = 1 "
    "(IEEE: -1/0 = -inf), so the lower corner is finite.",
]


def tolist(t: torch.Tensor) -> list:
    assert t.dtype == torch.float64, t.dtype
    assert torch.isfinite(t).all(), "non-finite value cannot be stored in JSON"
    return t.tolist()


def main() -> None:
    problems = []
    for i, (name, case, make) in enumerate(CASES):
        p = make()
        lo, hi = p.bounds[0], p.bounds[1]
        g = torch.Generator().manual_seed(SEED + i)
        u = torch.rand(N_RANDOM, p.dim, generator=g, dtype=DT)
        x = torch.cat([lo + (hi - lo) * u, lo.unsqueeze(0), hi.unsqueeze(0)], dim=0)
        with torch.no_grad():
            f = p.evaluate_true(x)
            slack = p.evaluate_slack_true(x) if hasattr(p, "evaluate_slack_true") else None
        assert f.shape == (x.shape[0], p.num_objectives), (case, f.shape)
        try:
            max_hv = float(p.max_hv)
        except NotImplementedError:
            max_hv = None
        entry = {
            "name": name,
            "case": case,
            "dim": int(p.dim),
            "num_objectives": int(p.num_objectives),
            "bounds": tolist(p.bounds),
            "ref_point": tolist(p.ref_point),
            "max_hv": max_hv,
            "x": tolist(x),
            "f": tolist(f),
            "constraint_slack": tolist(slack) if slack is not None else None,
        }
        problems.append(entry)
        print(
            f"{case:16s} dim={p.dim} M={p.num_objectives} ref={entry['ref_point']} "
            f"max_hv={max_hv!r}",
            file=sys.stderr,
        )

    out = {
        "generator": f"botorch {botorch.__version__}, torch {torch.__version__}",
        "seed": SEED,
        "notes": NOTES,
        "problems": problems,
    }
    write_fixture(OUT, out, stream=sys.stderr)


if __name__ == "__main__":
    main()
