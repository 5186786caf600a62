# %% [markdown]
# # ToyTracker through the ParetoPilot service
#
# A notebook-style script (run it whole, or cell by cell in an editor that knows `# %%`):
# create the built-in ToyTracker detector study on a server, get it evaluated, look at the front.
#
# ```bash
# export PARETOPILOT_URL=http://127.0.0.1:8080 PARETOPILOT_TOKEN=...   # a client or admin token
# python examples/toytracker.py            # asks and tells itself (ToyTracker's formulas below)
# python examples/toytracker.py --pilots   # waits for `paretopilot pilot` processes instead
# ```

# %%
import math
import os
import sys
import time

import paretopilot

USE_PILOTS = "--pilots" in sys.argv
BUDGET = int(os.environ.get("BUDGET", "30"))
client = paretopilot.Client(os.environ.get("PARETOPILOT_URL", "http://127.0.0.1:8080"))
print(client, client.health())

# %% [markdown]
# The study: ToyTracker's five parameters (as `StudySpecification.toyTracker` defines them), two
# objectives with their hypervolume references, evaluated by pilots' built-in ToyTracker.

# %%
spec = {
    "name": os.environ.get("STUDY", f"toytracker-{int(time.time())}"),
    "parameters": [
        {"name": "layers", "type": "int", "lower": 3, "upper": 10},
        {"name": "outer_radius_m", "type": "float", "lower": 0.2, "upper": 0.8},
        {"name": "hit_resolution_um", "type": "float", "lower": 5, "upper": 40},
        {"name": "material_x0", "type": "float", "lower": 0.0005, "upper": 0.01},
        {"name": "field_t", "type": "float", "lower": 0.5, "upper": 3.0},
    ],
    "objectives": [{"name": "resolution", "reference": 0.1}, {"name": "cost", "reference": 40}],
    "budget": BUDGET,
    "seed": 1,
}
if USE_PILOTS:
    spec["evaluator"] = {"problem": "toytracker"}  # its constraint_0 <= 0 comes with it
else:
    spec["evaluator"] = {}  # evaluated here, by ask/tell
    spec["constraints"] = ["constraint_0 <= 0"]
study = client.create_study(spec)
print("created", study)


# %% [markdown]
# Evaluated here: ToyTracker's `resolution` (Gluckstern term and multiple scattering at
# p_T = 10 GeV) and `cost` (silicon plus magnet), as in `Sources/Problems/Detector/ToyTracker.swift`.


# %%
def toytracker(layers, outer_radius_m, hit_resolution_um, material_x0, field_t):
    n, inner, pt = round(layers), 0.04, 10.0
    lever = outer_radius_m - inner
    a_n = 720 * (n - 1) ** 3 / ((n - 2) * n * (n + 1) * (n + 2))
    curvature = (hit_resolution_um * 1e-6 / lever**2) * math.sqrt(a_n) * pt / (0.3 * field_t)
    beta = pt / math.hypot(pt, 0.13957)
    scattering = 0.016 * math.sqrt(n * material_x0) / (0.3 * field_t * lever * beta)
    radii = [inner + (outer_radius_m - inner) * i / (n - 1) for i in range(n)]
    silicon = sum(4 * math.pi * math.sinh(1) * r**2 for r in radii)
    magnet_r = outer_radius_m + 0.1
    energy = field_t**2 / (2 * 4e-7 * math.pi) * math.pi * magnet_r**2 * (2 * magnet_r * math.sinh(1) + 0.2) / 1e6
    return {
        "resolution": math.hypot(curvature, scattering),
        "cost": silicon + 0.523 * energy**0.662,
        "constraint_0": 0.02 * (n - 1) - lever,
    }


if USE_PILOTS:
    print("waiting for pilots: paretopilot pilot --server", client.url, "--slots 2")
else:
    study.optimize(toytracker, n_trials=BUDGET, n_jobs=2)

# %% [markdown]
# Results as they come (when the server streams them), then wait for the whole budget.

# %%
try:
    for trial in study.results(follow=USE_PILOTS):
        print(f"trial {trial.number:3d} {trial.state:9s} {trial.outputs or trial.error}")
except paretopilot.NotFound:
    print("(this server has no results endpoint)")
summary = study.wait(timeout=600)
print({k: summary[k] for k in ("trials", "completed", "failed", "hypervolume")})

# %% [markdown]
# The Pareto front: plotted with matplotlib if it is installed, else printed.

# %%
front = study.front()
points = sorted((t["outputs"]["resolution"], t["outputs"]["cost"], t["trial"]) for t in front["trials"])
try:
    import matplotlib.pyplot as plt
except ImportError:
    print(f"{'trial':>5} {'resolution':>12} {'cost':>8}")
    for resolution, cost, number in points:
        print(f"{number:5d} {resolution:12.5f} {cost:8.3f}")
else:
    every = [t.outputs for t in study.trials() if t.outputs]
    plt.scatter([o["resolution"] for o in every], [o["cost"] for o in every], s=12, c="lightgray", label="trials")
    plt.step([p[0] for p in points], [p[1] for p in points], "o-", where="post", label="Pareto front")
    plt.xlabel("resolution (σ_pT / p_T at 10 GeV)")
    plt.ylabel("cost (M$)")
    plt.legend()
    plt.title(f"{study.name}: hypervolume {front['hypervolume']}")
    plt.savefig("toytracker-front.png", dpi=120)
    print("front plotted in toytracker-front.png")

# %% [markdown]
# Every trial as a table (the columns of `paretopilot study export --format csv`), with pandas.

# %%
try:
    print(study.trials_dataframe().head())
except ImportError as error:
    print(error)
