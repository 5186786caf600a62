#!/usr/bin/env python3
"""Builds the MOBO comparison table (Markdown) and SVG plots of hypervolume against evaluations.

Inputs (JSON lines, one per run and seed):
  mobo_paretopilot.jsonl  from `paretopilot bench mobo ... --json` (deterministic noise model,
                          the default for the noise-free test problems)
  mobo_paretopilot_inferred_noise.jsonl  the same with `--noise inferred` (as BoTorch's GP)
  mobo_peers.jsonl        from `Benchmarks/peers/mobo_peers.py`
  mobo_mixed_paretopilot.jsonl, mobo_mixed_paretopilot_ordinal.jsonl, mobo_mixed_peers.jsonl
                          the mixed categorical problem `mixeddtlz2` (`--categorical overlap`, the
                          default, and `--categorical ordinal`; peers incl. botorch_mixed)
  mobo_closure_paretopilot.jsonl, mobo_closure_peers.jsonl
                          AID(2)E's closure test: DTLZ2 d=10 M=3, 10 initial points, q=4, 200
                          evaluations (reported as problem `dtlz2_d10_m3_closure`)
  mobo_highdim_<case>_paretopilot.jsonl, mobo_highdim_<case>_paretopilot_global.jsonl
                          many parameters (issue 13): `auto` with its trust-region acquisition
                          boxes (from 10 parameters on) and the same with them off
                          (`--local-from-dimension 1000`, 2(d+1) initial points), reported as
                          problem `dtlz2_<case>`; `d10_m3_closure_paretopilot_global` is the
                          closure run of the session before the boxes (mobo_closure_paretopilot.jsonl
                          is the run with them)
Outputs: mobo_table.md and mobo_<problem>.svg next to this script.

Standard library only:  python3 notebooks-data/make_mobo_report.py
"""
import json
import os
import statistics
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
COLORS = {"paretopilot": "#d62728", "paretopilot_ordinal": "#e377c2", "botorch_mixed": "#17becf", "paretopilot_inferred_noise": "#ff9896", "paretopilot_global": "#ff7f0e", "botorch_qlognehvi": "#1f77b4", "optuna_gpsampler": "#2ca02c",
          "sobol": "#7f7f7f", "optuna_tpe": "#9467bd", "optuna_nsga2": "#8c564b"}


def load(name, label=None, problem=None):
    runs = []
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return runs
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if label:
                r["strategy"] = label
            if problem:
                r["problem"] = problem
            runs.append(r)
    return runs


def table(groups):
    lines = ["| problem | strategy | seeds | median HV | min HV | max HV | max HV (problem) | median ask (s) |",
             "|---|---|---|---|---|---|---|---|"]
    for (problem, strategy), runs in sorted(groups.items()):
        hv = [r["hv"] for r in runs]
        ask = [r["median_ask_s"] for r in runs]
        lines.append("| %s | %s | %d | %.4g | %.4g | %.4g | %.4g | %.3f |" % (
            problem, strategy, len(runs), statistics.median(hv), min(hv), max(hv), runs[0]["max_hv"],
            statistics.median(ask)))
    return "\n".join(lines) + "\n"


def svg(problem, groups):
    width, height, left, right, top, bottom = 640, 400, 70, 170, 30, 50
    series = {s: runs for (p, s), runs in groups.items() if p == problem}
    points = {}
    for strategy, runs in series.items():
        # median HV across seeds at each evaluation count of the trace
        by_n = defaultdict(list)
        for r in runs:
            for n, hv in zip(r["n_trace"], r["hv_trace"]):
                by_n[n].append(hv)
        points[strategy] = sorted((n, statistics.median(v)) for n, v in by_n.items())
    xs = [n for pts in points.values() for n, _ in pts]
    ys = [h for pts in points.values() for _, h in pts]
    max_hv = next(iter(series.values()))[0]["max_hv"]
    x0, x1 = 0, max(xs)
    y0, y1 = 0, max(ys + [max_hv])
    sx = lambda n: left + (n - x0) / (x1 - x0) * (width - left - right)
    sy = lambda h: height - bottom - (h - y0) / (y1 - y0) * (height - top - bottom)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="14">%s: median hypervolume over seeds</text>' % (left, problem)]
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, height - bottom, width - right, height - bottom))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, top, left, height - bottom))
    for i in range(6):
        n = x0 + (x1 - x0) * i / 5
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (sx(n), height - bottom + 16, n))
        h = y0 + (y1 - y0) * i / 5
        out.append('<text x="%d" y="%.1f" text-anchor="end">%.3g</text>' % (left - 6, sy(h) + 4, h))
    out.append('<text x="%d" y="%d" text-anchor="middle">evaluations</text>' % ((left + width - right) / 2, height - 12))
    out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#aaa" stroke-dasharray="4 3"/>' % (left, sy(max_hv), width - right, sy(max_hv)))
    out.append('<text x="%d" y="%.1f" fill="#777">max HV</text>' % (width - right + 4, sy(max_hv) + 4))
    for k, (strategy, pts) in enumerate(sorted(points.items())):
        color = COLORS.get(strategy, "#000")
        path = " ".join("%.1f,%.1f" % (sx(n), sy(h)) for n, h in pts)
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (color, path))
        out.append('<text x="%d" y="%d" fill="%s">%s</text>' % (width - right + 4, top + 40 + 16 * k, color, strategy))
    out.append("</svg>")
    with open(os.path.join(HERE, "mobo_%s.svg" % problem), "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    closure = "dtlz2_d10_m3_closure"
    runs = (load("mobo_paretopilot.jsonl", "paretopilot") + load("mobo_paretopilot_inferred_noise.jsonl")
            + load("mobo_peers.jsonl")
            + load("mobo_mixed_paretopilot.jsonl", "paretopilot")
            + load("mobo_mixed_paretopilot_ordinal.jsonl", "paretopilot_ordinal")
            + load("mobo_mixed_peers.jsonl")
            + load("mobo_closure_paretopilot.jsonl", "paretopilot", closure)
            + load("mobo_closure_peers.jsonl", None, closure))
    for case in ["d10_m3", "d16_m3", "d30_m3", "d10_m3_closure", "d50_m3_closure"]:
        runs += load("mobo_highdim_%s_paretopilot.jsonl" % case, "paretopilot", "dtlz2_" + case)
        runs += load("mobo_highdim_%s_paretopilot_global.jsonl" % case, "paretopilot_global", "dtlz2_" + case)
    groups = defaultdict(list)
    for r in runs:
        groups[(r["problem"], r["strategy"])].append(r)
    with open(os.path.join(HERE, "mobo_table.md"), "w") as f:
        f.write(table(groups))
    for problem in sorted({p for p, _ in groups}):
        svg(problem, groups)
    print(table(groups))


if __name__ == "__main__":
    main()
