#!/usr/bin/env python3
"""Builds the excursion-set comparison (Markdown table) and SVG plots.

Inputs (JSON lines, one per strategy and seed, accuracy on a 100 x 100 grid after every batch):
  excursion_paretopilot_2d.jsonl  `paretopilot bench excursion --problem 2d --budget 40 --batch 4 --seeds 5`
  excursion_paretopilot_1d.jsonl  `paretopilot bench excursion --problem 1d --budget 16 --batch 4 --seeds 5`
  excursion_peers_2d.jsonl        `Benchmarks/peers/excursion_peers.py --seeds 5 --budget 40 --batch 4`
  excursion_2d_sur_seed0_grid.csv the final SUR estimate of seed 0 (x0, x1, class, ambiguous)
Outputs: excursion_table.md, excursion_2d_accuracy.svg, excursion_2d_contour.svg next to this script.

Standard library only:  python3 notebooks-data/make_excursion_report.py
"""
import csv
import json
import math
import os
import statistics
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {
    ("paretopilot", "sur"): "ParetoPilot SUR (batch, default)",
    ("paretopilot", "entropy"): "ParetoPilot entropy (excursion's information gain)",
    ("paretopilot", "tmse"): "ParetoPilot tMSE",
    ("paretopilot", "straddle"): "ParetoPilot straddle",
    ("paretopilot", "uniform"): "ParetoPilot uniform (Sobol)",
    ("peer", "excursion_entropy"): "excursion package (entropy)",
    ("peer", "sklearn_straddle"): "scikit-learn straddle",
    ("peer", "uniform"): "uniform random + scikit-learn GP",
}
COLORS = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f", "#1f77b4", "#2ca02c", "#17becf"]


def load(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def group(runs):
    groups = defaultdict(list)
    for run in runs:
        groups[(run.get("implementation", "paretopilot"), run["acquisition"])].append(run)
    return groups


def accuracy_at(run, n):
    values = [h["accuracy"] for h in run["history"] if h["evaluations"] <= n]
    return values[-1] if values else float("nan")


def evaluations_to(run, level):
    for h in run["history"]:
        if h["accuracy"] >= level - 1e-12:
            return h["evaluations"]
    return None


def median_or_dash(values, fmt):
    values = [v for v in values if v is not None]
    return fmt.format(statistics.median(values)) if values else "—"


def table(groups, budgets, levels):
    header = "| strategy | " + " | ".join(f"acc. ≤ {n}" for n in budgets) + " | " + " | ".join(
        f"evals to {l:.1%}" for l in levels) + " | s / run |"
    lines = [header, "|" + "---|" * (2 + len(budgets) + len(levels))]
    for key, runs in groups.items():
        cells = [median_or_dash([accuracy_at(r, n) for r in runs], "{:.4f}") for n in budgets]
        for level in levels:
            # Seeds that never reach the level count as infinitely many evaluations.
            reached = [evaluations_to(r, level) for r in runs]
            middle = statistics.median([math.inf if x is None else x for x in reached])
            text = "not reached" if math.isinf(middle) else f"{middle:.0f}"
            cells.append(f"{text} ({sum(x is not None for x in reached)}/{len(runs)})")
        seconds = statistics.median(r["seconds"] for r in runs)
        lines.append(f"| {NAMES.get(key, key)} | " + " | ".join(cells) + f" | {seconds:.1f} |")
    return "\n".join(lines)


def accuracy_svg(groups, path, title):
    width, height, left, right, top, bottom = 800, 420, 60, 330, 30, 40
    xs = sorted({h["evaluations"] for runs in groups.values() for r in runs for h in r["history"]})
    x0, x1 = min(xs), max(xs)
    y0, y1 = 0.9, 1.0

    def px(x):
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def py(y):
        return top + (1 - (max(min(y, y1), y0) - y0) / (y1 - y0)) * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="18" font-size="14">{title}</text>',
             f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" fill="none" stroke="#888"/>']
    for y in [0.9, 0.92, 0.94, 0.96, 0.98, 0.99, 1.0]:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.2f}</text>')
    for x in range(8, x1 + 1, 8):
        parts.append(f'<text x="{px(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 6}" text-anchor="middle">evaluations (median over seeds)</text>')
    for index, (key, runs) in enumerate(groups.items()):
        color = COLORS[index % len(COLORS)]
        counts = sorted({h["evaluations"] for r in runs for h in r["history"]})
        points = [(n, statistics.median(accuracy_at(r, n) for r in runs)) for n in counts]
        path_data = " ".join(f"{'M' if i == 0 else 'L'}{px(n):.1f},{py(a):.1f}" for i, (n, a) in enumerate(points))
        dash = ' stroke-dasharray="5,3"' if key[0] == "peer" else ""
        parts.append(f'<path d="{path_data}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{width - right + 10}" y="{top + 16 + 18 * index}" fill="{color}">{NAMES.get(key, key)}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def truth_2d(x, y):
    xsec = 12 * math.exp(-x / 2) + 0.1 * math.cos(10 * y + 1) + 0.2 * math.cos(15 * x)
    eff = math.tanh(1.3 * x - y + 1)
    stats = (1 - math.tanh(xsec * eff - 5)) / 2
    return 3 * (math.log(stats) - math.log(0.05))


def contour_svg(grid_path, run, path):
    with open(grid_path) as f:
        rows = list(csv.DictReader(f))
    n = int(round(math.sqrt(len(rows))))
    cell, margin = 5, 40
    size = n * cell
    estimate = {}
    for row in rows:
        i = int(round(float(row["x0"]) / 1.5 * (n - 1)))
        j = int(round(float(row["x1"]) / 1.5 * (n - 1)))
        estimate[(i, j)] = (int(row["f_class"]), row["f_ambiguous"] == "1")
    truth = {(i, j): int(truth_2d(1.5 * i / (n - 1), 1.5 * j / (n - 1)) > 0) for i in range(n) for j in range(n)}

    def cx(i):
        return margin + i * cell

    def cy(j):
        return margin + size - (j + 1) * cell

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 2 * margin + 220}" height="{size + 2 * margin}" font-family="sans-serif" font-size="12">',
             f'<text x="{margin}" y="20" font-size="14">2-D physics: SUR estimate after {run["history"][-1]["evaluations"]} evaluations (seed {run["seed"]}) against the truth</text>']
    colors = {(1, 1): "#d9f0d3", (0, 0): "#ffffff", (1, 0): "#fdae6b", (0, 1): "#e6550d"}
    for j in range(n):
        # One rectangle per run of equally coloured cells along a row keeps the file small.
        i = 0
        while i < n:
            fill = colors[(estimate[(i, j)][0], truth[(i, j)])]
            k = i
            while k + 1 < n and colors[(estimate[(k + 1, j)][0], truth[(k + 1, j)])] == fill:
                k += 1
            if fill != "#ffffff":
                parts.append(f'<rect x="{cx(i)}" y="{cy(j)}" width="{cell * (k - i + 1)}" height="{cell}" fill="{fill}"/>')
            i = k + 1
        for i in range(n):
            if estimate[(i, j)][1]:
                parts.append(f'<rect x="{cx(i) + 1.5}" y="{cy(j) + 1.5}" width="2" height="2" fill="#3182bd"/>')
    for (i, j), value in truth.items():
        if i + 1 < n and truth[(i + 1, j)] != value:
            parts.append(f'<line x1="{cx(i + 1)}" x2="{cx(i + 1)}" y1="{cy(j)}" y2="{cy(j) + cell}" stroke="black" stroke-width="1.5"/>')
        if j + 1 < n and truth[(i, j + 1)] != value:
            parts.append(f'<line x1="{cx(i)}" x2="{cx(i) + cell}" y1="{cy(j)}" y2="{cy(j)}" stroke="black" stroke-width="1.5"/>')
    for x in run["inputs"]:
        parts.append(f'<circle cx="{margin + x[0] / 1.5 * size:.1f}" cy="{margin + size - x[1] / 1.5 * size:.1f}" r="3.5" fill="#08306b"/>')
    parts.append(f'<rect x="{margin}" y="{margin}" width="{size}" height="{size}" fill="none" stroke="#888"/>')
    legend = [("#d9f0d3", "f > 0, found"), ("#ffffff", "f ≤ 0, found"), ("#fdae6b", "false excursion"),
              ("#e6550d", "missed excursion"), ("#3182bd", "still ambiguous (1.96 σ)")]
    for k, (color, text) in enumerate(legend):
        y = margin + 20 * k
        parts.append(f'<rect x="{size + margin + 20}" y="{y}" width="12" height="12" fill="{color}" stroke="#888"/>')
        parts.append(f'<text x="{size + margin + 38}" y="{y + 10}">{text}</text>')
    parts.append(f'<line x1="{size + margin + 20}" x2="{size + margin + 32}" y1="{margin + 110}" y2="{margin + 110}" stroke="black" stroke-width="2"/>')
    parts.append(f'<text x="{size + margin + 38}" y="{margin + 114}">true contour f = 0</text>')
    parts.append(f'<circle cx="{size + margin + 26}" cy="{margin + 130}" r="3.5" fill="#08306b"/>')
    parts.append(f'<text x="{size + margin + 38}" y="{margin + 134}">evaluations</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    ours_2d = load("excursion_paretopilot_2d.jsonl")
    peers_2d = load("excursion_peers_2d.jsonl")
    ours_1d = load("excursion_paretopilot_1d.jsonl")
    groups_2d = group(ours_2d + peers_2d)
    lines = ["# Excursion-set active learning: side by side", "",
             "Median over 5 seeds of the fraction of a 100 x 100 grid classified correctly by the posterior mean",
             "(accuracy after at most N evaluations, batches of 4), and the median number of evaluations to reach",
             "a level (with how many seeds reached it). ParetoPilot starts from 8 Sobol points, the peers from 6",
             "random points, as the issue's baseline does. Regenerate: `python3 notebooks-data/make_excursion_report.py`.",
             "", "## 2-D physics function (threshold 0)", "",
             table(groups_2d, [12, 16, 24, 32, 40], [0.99, 0.998]), "",
             "## 1-D function (threshold 0.7), grid of 100 points", "",
             table(group(ours_1d), [8, 12, 16], [1.0]), ""]
    with open(os.path.join(HERE, "excursion_table.md"), "w") as f:
        f.write("\n".join(lines))
    accuracy_svg(groups_2d, os.path.join(HERE, "excursion_2d_accuracy.svg"),
                 "2-D physics: grid accuracy against evaluations (batches of 4)")
    grid = os.path.join(HERE, "excursion_2d_sur_seed0_grid.csv")
    sur0 = [r for r in ours_2d if r["acquisition"] == "sur" and r["seed"] == 0]
    if os.path.exists(grid) and sur0:
        contour_svg(grid, sur0[0], os.path.join(HERE, "excursion_2d_contour.svg"))


if __name__ == "__main__":
    main()
