#!/usr/bin/env python3
"""Peer benchmark: exact hypervolume, moocore vs. the ParetoPilot CLI.

What it measures
----------------
For each case (d objectives, n points), default:
    (2, 1000), (2, 10000), (2, 100000), (3, 1000), (3, 10000),
    (4, 1000), (5, 300), (5, 1000), (6, 300)
it generates n points on the positive part of the unit sphere in R^d (absolute
values of standard-normal rows, each row scaled to unit Euclidean length; all such
points are mutually non-dominated), using
numpy.random.default_rng([seed, d, n]) so that each case's data does not depend on
which other cases are run. Objectives are minimised; the reference point is 1.1 in
every objective.

Each set is written as CSV (no header, one point per row, %.17g, comma separated)
into --out-dir (default: a fresh temporary directory, which is kept and printed to
stderr). The file is read back and:

* moocore_s: wall seconds of moocore.hypervolume(points, ref=[1.1]*d)
  (time.perf_counter), median of --repeat runs (default 5), excluding data
  generation and file I/O.
* with --paretopilot PATH: runs
      PATH hv FILE --ref 1.1,1.1,... --repeat K --json
  and reads the last JSON object it prints on stdout,
      {"hypervolume": H, "points": n, "objectives": d, "seconds": S}
  paretopilot_s is S as reported by the CLI (its own timing over K repeats,
  excluding process start-up and file parsing as the CLI defines it);
  paretopilot_wall_s is the wall time of the whole subprocess, for reference.
  PATH is split with shlex, so a command with fixed leading arguments also works,
  e.g. --paretopilot "python3 my_wrapper.py".

Output: one JSON object per case on stdout:
    {"d", "n", "moocore_s", "paretopilot_s", "ratio" (= paretopilot_s/moocore_s),
     "hv_moocore", "hv_paretopilot", "rel_diff" (= |hv_p - hv_m| / |hv_m|), ...}
Without --paretopilot only the moocore fields (and the file path) are printed.
If the CLI fails, the line carries "error" and the CLI's stderr tail instead.

How to run
----------
    pip install moocore
    python3 Benchmarks/peers/moocore_hv.py                          # moocore only
    python3 Benchmarks/peers/moocore_hv.py --cases 2:1000           # one case
    python3 Benchmarks/peers/moocore_hv.py --cases 2:1000,3:10000 --repeat 3
    python3 Benchmarks/peers/moocore_hv.py --paretopilot .build/release/paretopilot \\
        --out-dir /tmp/hvsets

Options: --cases D:N[,D:N...] (subset or new cases), --repeat K, --seed S,
--out-dir DIR, --paretopilot PATH, --timeout SECONDS (per CLI call, default 600).

Packages: numpy, moocore.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

DEFAULT_CASES = [(2, 1000), (2, 10000), (2, 100000), (3, 1000), (3, 10000),
                 (4, 1000), (5, 300), (5, 1000), (6, 300)]
REF_VALUE = 1.1


def parse_cases(text: str):
    cases = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            d_str, n_str = item.lower().replace("x", ":").split(":")
            d, n = int(d_str), int(n_str)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"bad case {item!r}; expected D:N, e.g. 2:1000") from None
        if d < 2 or n < 1:
            raise argparse.ArgumentTypeError(f"bad case {item!r}: need d >= 2, n >= 1")
        cases.append((d, n))
    if not cases:
        raise argparse.ArgumentTypeError("no cases given")
    return cases


def sphere_points(d: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, d, n])
    P = np.abs(rng.standard_normal((n, d)))
    P /= np.linalg.norm(P, axis=1, keepdims=True)
    return P


def time_moocore(points: np.ndarray, ref: np.ndarray, repeat: int):
    import moocore
    times, hv = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        hv = moocore.hypervolume(points, ref=ref)
        times.append(time.perf_counter() - t0)
    return float(hv), times


def run_paretopilot(cmd: str, path: str, d: int, repeat: int, timeout: float) -> dict:
    argv = shlex.split(cmd) + ["hv", path, "--ref", ",".join([repr(REF_VALUE)] * d),
                               "--repeat", str(repeat), "--json"]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as exc:
        return {"error": f"cannot run {argv[0]!r}: {exc}"}
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": f"exit code {proc.returncode}",
                "stderr_tail": proc.stderr[-2000:], "paretopilot_wall_s": wall}
    result = None
    for line in reversed(proc.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
                break
            except json.JSONDecodeError:
                continue
    if result is None:
        return {"error": "no JSON object on stdout", "stdout_tail": proc.stdout[-2000:],
                "paretopilot_wall_s": wall}
    result["_wall"] = wall
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--cases", type=parse_cases, default=DEFAULT_CASES,
                   help="comma-separated D:N list (default: the 9 standard cases)")
    p.add_argument("--repeat", type=int, default=5,
                   help="timed runs per case, median reported (default 5)")
    p.add_argument("--seed", type=int, default=0, help="data seed (default 0)")
    p.add_argument("--out-dir", default=None,
                   help="directory for the CSV point sets (default: new temp dir)")
    p.add_argument("--paretopilot", default=None, metavar="PATH",
                   help="ParetoPilot CLI to compare against (PATH hv FILE ...)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds allowed per ParetoPilot CLI call (default 600)")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be >= 1")

    import moocore  # fail early if missing

    out_dir = args.out_dir or tempfile.mkdtemp(prefix="paretopilot-hv-")
    os.makedirs(out_dir, exist_ok=True)
    print(f"[moocore_hv] point sets in {out_dir}", file=sys.stderr, flush=True)

    status = 0
    for d, n in args.cases:
        path = os.path.join(out_dir, f"sphere_d{d}_n{n}_seed{args.seed}.csv")
        np.savetxt(path, sphere_points(d, n, args.seed), fmt="%.17g", delimiter=",")
        points = np.loadtxt(path, delimiter=",", ndmin=2)
        ref = np.full(d, REF_VALUE)
        print(f"[moocore_hv] d={d} n={n} ...", file=sys.stderr, flush=True)
        hv_m, times = time_moocore(points, ref, args.repeat)
        rec = {"d": d, "n": n, "moocore_s": statistics.median(times)}
        if args.paretopilot:
            res = run_paretopilot(args.paretopilot, path, d, args.repeat, args.timeout)
            if "error" in res:
                status = 1
                rec.update({"paretopilot_s": None, "ratio": None, "hv_moocore": hv_m,
                            "hv_paretopilot": None, "rel_diff": None})
                rec.update(res)
            else:
                s = float(res["seconds"])
                hv_p = float(res["hypervolume"])
                rec.update({
                    "paretopilot_s": s,
                    "ratio": s / rec["moocore_s"] if rec["moocore_s"] > 0 else None,
                    "hv_moocore": hv_m,
                    "hv_paretopilot": hv_p,
                    "rel_diff": abs(hv_p - hv_m) / abs(hv_m) if hv_m != 0 else abs(hv_p),
                    "paretopilot_wall_s": res["_wall"],
                    "shape_ok": (res.get("points") == n and res.get("objectives") == d),
                })
        else:
            rec["hv_moocore"] = hv_m
        rec.update({"moocore_s_all": times, "repeat": args.repeat, "seed": args.seed,
                    "ref": REF_VALUE, "moocore": moocore.__version__, "file": path})
        print(json.dumps(rec), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
