#!/usr/bin/env python3
"""Generate Pareto-toolkit oracle fixtures for ParetoPilot from moocore.

What it generates
-----------------
``pareto_moocore.json`` (next to this script): oracle values for the hypervolume,
hypervolume contributions, Pareto ranking, non-dominance filtering and the
IGD / IGD+ / additive-epsilon quality indicators.  ALL OBJECTIVES ARE MINIMISED.

Layout::

    {
      "generator": "moocore <version>, numpy <version>",
      "seed": 20240611,
      "notes": [str, ...],                 # moocore conventions (see below)
      "hypervolume_cases": [
        {"name", "dim", "points", "ref", "hypervolume",
         "contributions",        # moocore.hv_contributions(points, ref)  (ignore_dominated=True, the default)
         "contributions_exact",  # moocore.hv_contributions(points, ref, ignore_dominated=False)
                                 #   == hv(X) - hv(X without row i) for every row i
         "ranks",                # moocore.pareto_rank(points), 0-based
         "nondominated",         # moocore.is_nondominated(points, keep_weakly=False)
         "nondominated_weak",    # moocore.is_nondominated(points, keep_weakly=True)
         ["exact_hypervolume", "exact_contributions"],  # only for analytic sanity cases
         ["notes"]}              # only for degenerate cases
      ],
      "indicator_cases": [
        {"name", "dim", "points", "reference_front",
         "igd_plus", "epsilon_additive", "igd"}
      ]
    }

Case families (hypervolume_cases):
  * random_d{d}_n{n}: uniform [0,1]^d, ref 1.1; n in {1,5,40,150} for d<=4 and {1,5,40,80} for d=5,6.
  * sphere_d{d}_n{n}: |N(0,I)| normalised onto the positive unit sphere, ref 1.1;
    n=100 for d=2,3,4 and n=50 for d=5,6 (all mutually non-dominated); for d=5 also
    sphere_d5_n200, grid_ties_d5_n150 (coords 0..5, ref 6) and sphere_rounded_d5_n150 (rounded
    to 1/16: ties in every objective).
  * degenerate, for d=2,3,4: duplicates, integer-grid ties (coords 0..4, ref 5),
    boundary (coordinates exactly equal to the reference), one point dominating all,
    all points outside the reference (HV 0), single point, negative coordinates.
  * branin_currin_ref_18_6: BraninCurrin objective values of 100 random inputs, ref (18, 6);
    scaled_d3: per-axis scales (10, 0.01, 1000).
  * exact_*: analytic values (staircase, axis points e_i with ref 2 -> HV 2^d - 1 and every
    contribution 1, single box [0.25]^d with ref 1 -> 0.75^d), checked against moocore here.

indicator_cases: for d = 2,3,4 a uniform random approximation set (n=30) and a perturbed
approximation of the front (n=30, front points scaled by 1+U(0,0.2)), both against a reference
front of 50 points on the positive unit sphere; plus cases where the approximation set equals
the reference front (all indicators 0).

The script cross-checks moocore against brute-force NumPy implementations (contributions by
leave-one-out, ranks/non-dominance by pairwise comparison, IGD/IGD+/epsilon by definition) and
prints the maximum discrepancies; it asserts only the analytic exact_* values.

How to run
----------
    pip install moocore          # scipy/numpy already present
    python3 Tests/Fixtures/generate_pareto_fixtures.py

Versions used to produce the committed JSON: moocore 0.3.2, numpy 2.4.6, Python 3.11.7.
Everything is seeded (numpy.random.default_rng(SEED + case-specific offset)), so reruns with the
same versions reproduce the file byte for byte.
"""

import json
import math
import os
import sys

import numpy as np
import moocore

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pareto_moocore.json")

_moocore_version = getattr(moocore, "__version__", None)
if _moocore_version is None:
    from importlib.metadata import version as _v
    _moocore_version = _v("moocore")

NOTES = [
    "All objectives are minimised (moocore default maximise=False).",
    "ranks: moocore.pareto_rank is 0-BASED: rank 0 = not dominated by any other input point. "
    "Exact duplicates get the same rank. Dominance is the usual Pareto one: y dominates x iff "
    "y <= x in every coordinate and y < x in at least one, so a point equal to another in some "
    "coordinates and worse in the rest is dominated. pareto_rank ignores the reference point.",
    "nondominated (keep_weakly=False): True iff no other row dominates the row AND it is the FIRST "
    "(lowest-index) occurrence among exact duplicates; later copies of a non-dominated point are False. "
    "nondominated_weak (keep_weakly=True): every copy of a non-dominated point is True. "
    "Neither looks at the reference point: a point outside the reference box can be non-dominated.",
    "hypervolume: volume of the union of boxes [p, ref]; a point that does not STRICTLY dominate the "
    "reference (some coordinate >= ref) contributes zero volume (coordinate == ref gives a "
    "degenerate box of volume 0) and is silently ignored, no error; if no point is strictly below "
    "ref in every coordinate the HV is 0. Negative coordinates are fine (no implicit clipping at 0).",
    "contributions: moocore.hv_contributions(points, ref) with the default ignore_dominated=True: "
    "one value per input row, in input order. Dominated rows get 0 and are removed before the "
    "computation, so they do not reduce the contribution of the point dominating them. "
    "Exact duplicates of a non-dominated point get 0 for EVERY copy (including the first), because "
    "removing one copy leaves the HV unchanged (hvc(p) = HV(X) - HV(X minus p)). Points not "
    "strictly dominating ref get 0.",
    "contributions_exact: moocore.hv_contributions(points, ref, ignore_dominated=False): the literal "
    "definition HV(X) - HV(X without row i) for every row (verified by leave-one-out here). It differs "
    "from 'contributions' only when some dominated point is dominated by exactly one non-dominated "
    "point (e.g. the one_dominates_all cases), where removing the dominator exposes the dominated point.",
    "igd: mean over reference-front points r of min over approximation points a of ||a - r||_2 (IGD with p=1). "
    "igd_plus: mean over r of min over a of sqrt(sum_i max(a_i - r_i, 0)^2). "
    "epsilon_additive: max over r of min over a of max_i (a_i - r_i) (can be negative if the approximation "
    "set strictly dominates every reference point). All three are 0 when the sets are equal.",
    "Floats are written with Python repr (shortest round-trip) via json.dump.",
]


def rng_for(offset):
    return np.random.default_rng(SEED + offset)


def sphere(rng, n, d):
    x = np.abs(rng.standard_normal((n, d)))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ---------------------------------------------------------------- brute-force checks
def dominates(a, b):
    return bool(np.all(a <= b) and np.any(a < b))


def brute_nd(X):
    n = len(X)
    dom = np.array([any(dominates(X[j], X[i]) for j in range(n)) for i in range(n)], dtype=bool)
    first = np.array([not any(np.array_equal(X[j], X[i]) for j in range(i)) for i in range(n)], dtype=bool)
    return ~dom & first, ~dom


def brute_ranks(X):
    n = len(X)
    remaining = set(range(n))
    ranks = np.zeros(n, dtype=int)
    k = 0
    while remaining:
        front = [i for i in remaining if not any(dominates(X[j], X[i]) for j in remaining)]
        for i in front:
            ranks[i] = k
            remaining.discard(i)
        k += 1
    return ranks


def hv(X, ref):
    if len(X) == 0:
        return 0.0
    return float(moocore.hypervolume(X, ref=ref))


def grid_hv(X, ref):
    """Independent exact HV by coordinate compression (sum of covered grid cells); small inputs only."""
    inside = X[np.all(X < ref, axis=1)]
    if len(inside) == 0:
        return 0.0
    d = X.shape[1]
    axes = [np.unique(np.append(inside[:, k], ref[k])) for k in range(d)]
    lows = np.meshgrid(*[a[:-1] for a in axes], indexing="ij")
    widths = np.meshgrid(*[np.diff(a) for a in axes], indexing="ij")
    covered = np.zeros(lows[0].shape, dtype=bool)
    for p in inside:
        m = np.ones(lows[0].shape, dtype=bool)
        for k in range(d):
            m &= lows[k] >= p[k]
        covered |= m
    vol = np.ones(lows[0].shape)
    for k in range(d):
        vol = vol * widths[k]
    return float(np.sum(vol[covered]))


def loo_contributions(X, ref):
    total = hv(X, ref)
    return np.array([total - hv(np.delete(X, i, axis=0), ref) for i in range(len(X))])


MAXDIFF = {"hv_vs_grid": 0.0, "contrib_exact_vs_loo": 0.0, "contrib_default_vs_exact_nd_only": 0.0, "indicators": 0.0}
MISMATCH = []
GRID_CHECKED = []


def make_hv_case(name, points, ref, notes=None, exact_hv=None, exact_contrib=None):
    X = np.asarray(points, dtype=float)
    r = np.asarray(ref, dtype=float)
    H = float(moocore.hypervolume(X, ref=r))
    c = moocore.hv_contributions(X, ref=r)
    ce = moocore.hv_contributions(X, ref=r, ignore_dominated=False)
    ranks = moocore.pareto_rank(X)
    nd = moocore.is_nondominated(X, keep_weakly=False)
    ndw = moocore.is_nondominated(X, keep_weakly=True)

    # cross-checks (print only)
    if (len(X) + 1) ** X.shape[1] <= 3_000_000:
        MAXDIFF["hv_vs_grid"] = max(MAXDIFF["hv_vs_grid"], abs(grid_hv(X, r) - H) / max(1.0, abs(H)))
        GRID_CHECKED.append(name)
    loo = loo_contributions(X, r)
    scale = max(1.0, abs(H))
    MAXDIFF["contrib_exact_vs_loo"] = max(MAXDIFF["contrib_exact_vs_loo"], float(np.max(np.abs(loo - ce))) / scale)
    bnd, bndw = brute_nd(X)
    if not np.array_equal(bnd, nd) or not np.array_equal(bndw, ndw):
        MISMATCH.append(name + ": is_nondominated")
    if not np.array_equal(brute_ranks(X), ranks):
        MISMATCH.append(name + ": pareto_rank")
    if np.any(c[~ndw] != 0.0):
        MISMATCH.append(name + ": dominated point with nonzero default contribution")
    if exact_hv is not None:
        assert math.isclose(H, exact_hv, rel_tol=1e-12, abs_tol=1e-12), (name, H, exact_hv)
    if exact_contrib is not None:
        assert np.allclose(c, exact_contrib, rtol=1e-12, atol=1e-12), (name, c, exact_contrib)

    case = {
        "name": name,
        "dim": int(X.shape[1]),
        "points": [[float(v) for v in row] for row in X],
        "ref": [float(v) for v in r],
        "hypervolume": H,
        "contributions": [float(v) for v in c],
        "contributions_exact": [float(v) for v in ce],
        "ranks": [int(v) for v in ranks],
        "nondominated": [bool(v) for v in nd],
        "nondominated_weak": [bool(v) for v in ndw],
    }
    if exact_hv is not None:
        case["exact_hypervolume"] = float(exact_hv)
    if exact_contrib is not None:
        case["exact_contributions"] = [float(v) for v in exact_contrib]
    if notes:
        case["notes"] = notes
    return case


def branin(u):
    x1 = 15.0 * u[:, 0] - 5.0
    x2 = 15.0 * u[:, 1]
    b = 5.1 / (4.0 * math.pi ** 2)
    c = 5.0 / math.pi
    t = 1.0 / (8.0 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6.0) ** 2 + 10.0 * (1.0 - t) * np.cos(x1) + 10.0


def currin(u):
    x1, x2 = u[:, 0], u[:, 1]
    factor = 1.0 - np.exp(-1.0 / (2.0 * x2))
    num = 2300.0 * x1 ** 3 + 1900.0 * x1 ** 2 + 2092.0 * x1 + 60.0
    den = 100.0 * x1 ** 3 + 500.0 * x1 ** 2 + 4.0 * x1 + 20.0
    return factor * num / den


def hypervolume_cases():
    cases = []

    # --- random uniform sets
    for d in range(2, 7):
        ns = [1, 5, 40, 150] if d <= 4 else [1, 5, 40, 80]
        for n in ns:
            rng = rng_for(1000 * d + n)
            cases.append(make_hv_case(f"random_d{d}_n{n}", rng.random((n, d)), [1.1] * d))

    # --- points on the positive unit sphere (mutually non-dominated)
    for d in range(2, 7):
        n = 100 if d <= 4 else 50
        rng = rng_for(2000 + d)
        cases.append(make_hv_case(f"sphere_d{d}_n{n}", sphere(rng, n, d), [1.1] * d))

    # --- five objectives at the sizes where its own level of the recursion runs: a larger
    # sphere, integer-grid ties (equal coordinates in every objective and duplicates), and a
    # sphere rounded to 1/16 (ties in the fourth and fifth objectives among non-dominated points)
    rng = rng_for(2100)
    cases.append(make_hv_case("sphere_d5_n200", sphere(rng, 200, 5), [1.1] * 5))
    rng = rng_for(2101)
    cases.append(make_hv_case(
        "grid_ties_d5_n150", rng.integers(0, 6, size=(150, 5)).astype(float), [6.0] * 5,
        notes="Integer coordinates 0..5 with ref 6: ties in every objective, weak dominance and duplicates."))
    rng = rng_for(2102)
    cases.append(make_hv_case(
        "sphere_rounded_d5_n150", np.round(sphere(rng, 150, 5) * 16) / 16, [1.1] * 5,
        notes="Sphere points rounded to multiples of 1/16: ties among near-front points in every objective."))

    # --- degenerate sets
    for d in (2, 3, 4):
        ref = [1.1] * d

        # exact duplicates (of non-dominated and of dominated points), shuffled
        rng = rng_for(3000 + d)
        base = rng.random((12, d))
        nd_idx = np.flatnonzero(moocore.is_nondominated(base))
        dom_idx = np.flatnonzero(~moocore.is_nondominated(base))
        extra = [nd_idx[0], nd_idx[0], nd_idx[-1]] + ([dom_idx[0]] if len(dom_idx) else [])
        X = np.vstack([base, base[extra]])
        X = X[rng.permutation(len(X))]
        cases.append(make_hv_case(
            f"duplicates_d{d}", X, ref,
            notes="Exact duplicate rows (a non-dominated point 3x, another 2x, a dominated point 2x). "
                  "Every copy of a duplicated non-dominated point has contribution 0; only the first copy "
                  "is True in 'nondominated', all copies in 'nondominated_weak'; duplicates share a rank."))

        # many ties: integer grid coordinates 0..4
        rng = rng_for(3100 + d)
        X = rng.integers(0, 5, size=(40, d)).astype(float)
        cases.append(make_hv_case(
            f"grid_ties_d{d}", X, [5.0] * d,
            notes="Integer coordinates 0..4 with ref 5: many equal coordinates, weak dominance and duplicates."))

        # boundary: some coordinates exactly equal to the reference
        rng = rng_for(3200 + d)
        base = 0.9 * sphere(rng, 12, d)              # mutually non-dominated interior points
        lo = base.min(axis=0)
        bnd = []
        for k in range(d):
            q = np.zeros(d)
            q[k] = 1.1                               # (.., 1.1, 0, ..): non-dominated, zero volume
            bnd.append(q)
            q = 0.5 * lo
            q[k] = 1.1                               # on the boundary, zero volume
            bnd.append(q.copy())                     # (dominated by the row above: 0 <= 0.5*lo)
        bnd.append(np.full(d, 1.1))                  # equal to the reference (dominated)
        extra = rng.random((5, d))
        extra[np.arange(5), rng.integers(0, d, size=5)] = 1.1   # random points with one coordinate at ref
        X = np.vstack([base, np.array(bnd), extra])
        X = X[rng.permutation(len(X))]
        cases.append(make_hv_case(
            f"boundary_d{d}", X, ref,
            notes="0.9*sphere points plus rows with a coordinate exactly equal to ref (1.1). Boundary rows have "
                  "a degenerate box: zero volume and zero contribution, but several are non-dominated (rank 0, "
                  "True in nondominated) because ranking/non-dominance ignore the reference point."))

        # one point dominates all others
        rng = rng_for(3300 + d)
        X = 0.05 + 0.9 * rng.random((20, d))
        X[7] = 0.05                                  # the dominator
        X[13] = 0.05
        X[13, -1] = 0.5                              # weakly dominated: equal to the dominator except one coordinate
        cases.append(make_hv_case(
            f"one_dominates_all_d{d}", X, ref,
            notes="Row 7 = (0.05,...) dominates every other row (row 13 only weakly: equal except the last "
                  "coordinate). HV = 1.05^d. Default contributions give row 7 the whole HV; "
                  "contributions_exact gives HV - HV(rows without 7)."))

        # all points outside the reference box
        rng = rng_for(3400 + d)
        X = rng.random((10, d))
        for i in range(10):
            X[i, rng.integers(0, d)] = 1.1 + 0.5 * rng.random()
        X[0] = 1.1                                   # equal to ref
        X[1] = 5.0                                   # far away
        cases.append(make_hv_case(
            f"all_outside_d{d}", X, ref,
            notes="Every row has some coordinate >= ref: HV 0 and all contributions 0 (no error). "
                  "Ranks / non-dominance are still computed among the points."))

        # single point
        rng = rng_for(3500 + d)
        p = rng.random((1, d))
        cases.append(make_hv_case(f"single_point_d{d}", p, ref,
                                  exact_hv=float(np.prod(1.1 - p[0])), exact_contrib=[float(np.prod(1.1 - p[0]))],
                                  notes="Single point: HV = prod(ref - p) = its contribution."))

        # negative coordinates (and a reference that leaves some points outside)
        rng = rng_for(3600 + d)
        X = rng.uniform(-1.0, 1.0, size=(30, d))
        cases.append(make_hv_case(
            f"negative_coords_d{d}", X, [0.5] * d,
            notes="Coordinates uniform in [-1,1], ref 0.5: negative values are used as is (no clipping at 0); "
                  "rows with a coordinate >= 0.5 are outside and contribute 0."))

    # --- non-unit references
    rng = rng_for(4000)
    U = rng.random((100, 2))
    X = np.column_stack([branin(U), currin(U)])
    cases.append(make_hv_case(
        "branin_currin_ref_18_6", X, [18.0, 6.0],
        notes="Objective values (Branin, Currin) of 100 uniform inputs in [0,1]^2 (BoTorch BraninCurrin "
              "scaling: x1=15u1-5, x2=15u2 for Branin; u for Currin), minimised, ref (18, 6). "
              "Many points lie outside the reference box."))

    rng = rng_for(4100)
    scales = np.array([10.0, 0.01, 1000.0])
    X = rng.random((40, 3)) * scales
    cases.append(make_hv_case("scaled_d3", X, list(1.1 * scales),
                              notes="Axes with very different scales (10, 0.01, 1000); ref 1.1*scale."))

    # --- analytic sanity cases
    cases.append(make_hv_case("exact_2d_staircase", [[1, 3], [2, 2], [3, 1]], [4, 4],
                              exact_hv=6.0, exact_contrib=[1.0, 1.0, 1.0]))
    for d in range(2, 7):
        E = np.eye(d)
        cases.append(make_hv_case(f"exact_axes_d{d}", E, [2.0] * d,
                                  exact_hv=2.0 ** d - 1.0, exact_contrib=[1.0] * d,
                                  notes="Unit vectors e_i, ref 2: HV = 2^d - 1 (box [0,2]^d minus [0,1]^d); "
                                        "each exclusive contribution is exactly 1."))
        cases.append(make_hv_case(f"exact_box_d{d}", [[0.25] * d], [1.0] * d,
                                  exact_hv=0.75 ** d, exact_contrib=[0.75 ** d]))
    return cases


def igd_ref(A, R):
    D = np.linalg.norm(A[None, :, :] - R[:, None, :], axis=2)
    return float(np.mean(np.min(D, axis=1)))


def igd_plus_ref(A, R):
    D = np.sqrt(np.sum(np.maximum(A[None, :, :] - R[:, None, :], 0.0) ** 2, axis=2))
    return float(np.mean(np.min(D, axis=1)))


def eps_add_ref(A, R):
    E = np.max(A[None, :, :] - R[:, None, :], axis=2)
    return float(np.max(np.min(E, axis=1)))


def make_ind_case(name, A, R):
    A = np.asarray(A, dtype=float)
    R = np.asarray(R, dtype=float)
    vals = {
        "igd_plus": float(moocore.igd_plus(A, ref=R)),
        "epsilon_additive": float(moocore.epsilon_additive(A, ref=R)),
        "igd": float(moocore.igd(A, ref=R)),
    }
    brute = {"igd_plus": igd_plus_ref(A, R), "epsilon_additive": eps_add_ref(A, R), "igd": igd_ref(A, R)}
    for k in vals:
        MAXDIFF["indicators"] = max(MAXDIFF["indicators"], abs(vals[k] - brute[k]))
    case = {
        "name": name,
        "dim": int(A.shape[1]),
        "points": [[float(v) for v in row] for row in A],
        "reference_front": [[float(v) for v in row] for row in R],
    }
    case.update(vals)
    return case


def indicator_cases():
    cases = []
    for d in (2, 3, 4):
        rng = rng_for(5000 + d)
        R = sphere(rng, 50, d)
        A = rng.random((30, d))
        cases.append(make_ind_case(f"random_vs_sphere_d{d}", A, R))
        P = sphere(rng, 30, d) * (1.0 + 0.2 * rng.random((30, 1)))
        cases.append(make_ind_case(f"perturbed_front_vs_sphere_d{d}", P, R))
    for d in (2, 3):
        rng = rng_for(5100 + d)
        R = sphere(rng, 50, d)
        cases.append(make_ind_case(f"equal_sets_d{d}", R.copy(), R))
    return cases


def main():
    hv_cases = hypervolume_cases()
    ind_cases = indicator_cases()
    data = {
        "generator": f"moocore {_moocore_version}, numpy {np.__version__}",
        "seed": SEED,
        "notes": NOTES,
        "hypervolume_cases": hv_cases,
        "indicator_cases": ind_cases,
    }
    with open(OUT, "w") as f:
        json.dump(data, f)
        f.write("\n")

    # cross-check report
    differ = [c["name"] for c in hv_cases
              if np.max(np.abs(np.subtract(c["contributions"], c["contributions_exact"])))
              > 1e-12 * max(1.0, c["hypervolume"])]
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
    print(f"  {len(hv_cases)} hypervolume cases, {len(ind_cases)} indicator cases")
    print(f"  max |HV - independent grid HV| / max(1,HV) = {MAXDIFF['hv_vs_grid']:.3g} "
          f"({len(GRID_CHECKED)} of {len(hv_cases)} cases small enough to check)")
    print(f"  max |contributions_exact - leave-one-out| / max(1,HV) = {MAXDIFF['contrib_exact_vs_loo']:.3g}")
    print(f"  max |moocore - brute force| over indicators = {MAXDIFF['indicators']:.3g}")
    print(f"  cases where default and exact contributions differ: {differ}")
    print(f"  brute-force mismatches (ranks / nondominated): {MISMATCH or 'none'}")
    for c in ind_cases:
        if c["name"].startswith("equal_sets"):
            print(f"  {c['name']}: igd+={c['igd_plus']} eps={c['epsilon_additive']} igd={c['igd']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
