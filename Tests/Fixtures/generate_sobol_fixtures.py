#!/usr/bin/env python3
"""Generate unscrambled Sobol oracle points for ParetoPilot from SciPy.

What it generates
-----------------
``sobol_scipy.json`` (next to this script)::

    {"generator": "scipy <version>, numpy <version>",
     "cases": [{"dim": d, "points": [[x_0, ..., x_{d-1}], ...]}, ...]}

with the first 64 points of ``scipy.stats.qmc.Sobol(d, scramble=False)`` (``random(64)``) for
d in {1, 2, 5, 21, 64, 100}.  Row i is the i-th point of the sequence in SciPy's order, which is
the Gray-code (Antonov-Saleev) order: x_i = XOR of the direction numbers v_j over the set bits of
gray(i) = i ^ (i >> 1).  All values are dyadic rationals k/64 (exact in binary floating point).

Conventions worth knowing
-------------------------
* SciPy's UNSCRAMBLED sequence STARTS AT THE ORIGIN: point 0 is (0, ..., 0).  Point 1 is
  (0.5, ..., 0.5) in every coordinate (checked and printed below, not asserted).  Many other
  Sobol implementations skip the origin; tests must not assume they do.
* Direction numbers: SciPy ships Joe & Kuo's "new-joe-kuo-6.21201" table
  (S. Joe and F. Y. Kuo, SIAM J. Sci. Comput. 30, 2008), dimension 1 being van der Corput
  (all m_j = 1).  The repository's copy of the first 1,024 dimensions is
  /work/shared/data/sobol-joe-kuo-6-1024.txt (layout ``d s a m_1 ... m_s``, see
  /work/shared/data/README.md).  As an extra check this script rebuilds the 64 points from that
  text file with a small independent Gray-code implementation and prints whether they agree
  with SciPy bit for bit (skipped with a message if the file is absent).
* SciPy warns that balance properties need n to be a power of 2; 64 = 2^6 is one.

How to run
----------
    python3 Tests/Fixtures/generate_sobol_fixtures.py

No seed is needed (scramble=False is deterministic); ``seed=0`` is passed anyway.
Versions used to produce the committed JSON: scipy 1.17.1, numpy 2.4.6, Python 3.11.7.
"""

import json
import os
import sys

import numpy as np
import scipy
from scipy.stats import qmc

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sobol_scipy.json")
JOE_KUO = "/work/shared/data/sobol-joe-kuo-6-1024.txt"
DIMS = [1, 2, 5, 21, 64, 100]
N = 64
BITS = 30


def scipy_points(d):
    engine = qmc.Sobol(d=d, scramble=False, seed=0)
    return engine.random(N)


def read_joe_kuo(path, max_dim):
    """Return {dim: (s, a, [m_1..m_s])} for dims 2..max_dim."""
    table = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts or not parts[0].isdigit():
                continue  # header line "d s a m_i"
            d, s, a = int(parts[0]), int(parts[1]), int(parts[2])
            if d > max_dim:
                break
            table[d] = (s, a, [int(x) for x in parts[3:3 + s]])
    return table


def direction_numbers(dim_index, table, nbits):
    """Direction integers V_1..V_nbits (scaled by 2^BITS) for 1-based dimension dim_index."""
    if dim_index == 1:
        m = [1] * nbits
    else:
        s, a, m0 = table[dim_index]
        m = list(m0)
        for j in range(s, nbits):  # 0-based j: computing m_{j+1}
            new = m[j - s] ^ (m[j - s] << s)
            for k in range(1, s):
                if (a >> (s - 1 - k)) & 1:
                    new ^= m[j - k] << k
            m.append(new)
        m = m[:nbits]
    return [m[j] << (BITS - (j + 1)) for j in range(nbits)]


def joe_kuo_points(d, table):
    nbits = max(1, (N - 1).bit_length())
    V = [direction_numbers(k + 1, table, nbits) for k in range(d)]
    pts = np.zeros((N, d))
    for i in range(N):
        g = i ^ (i >> 1)
        for k in range(d):
            x = 0
            for j in range(nbits):
                if (g >> j) & 1:
                    x ^= V[k][j]
            pts[i, k] = x / 2.0 ** BITS
    return pts


def main():
    table = read_joe_kuo(JOE_KUO, max(DIMS)) if os.path.exists(JOE_KUO) else None
    if table is None:
        print(f"note: {JOE_KUO} not found; skipping the independent Joe-Kuo cross-check")

    cases = []
    for d in DIMS:
        P = scipy_points(d)
        origin_ok = bool(np.all(P[0] == 0.0))
        half_ok = bool(np.all(P[1] == 0.5))
        msg = f"dim {d:3d}: point0 is origin: {origin_ok}; point1 all 0.5: {half_ok}"
        if table is not None:
            J = joe_kuo_points(d, table)
            msg += f"; matches Joe-Kuo file rebuild: {bool(np.array_equal(J, P))}"
        print(msg)
        cases.append({"dim": d, "points": [[float(v) for v in row] for row in P]})

    data = {"generator": f"scipy {scipy.__version__}, numpy {np.__version__}", "cases": cases}
    with open(OUT, "w") as f:
        json.dump(data, f)
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes), {len(cases)} cases x {N} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
