#!/usr/bin/env python3
"""One analysis job: pi/K separation in standard deviations at one (p, eta) point, from the two
simulation files the earlier steps wrote into the trial directory."""
import json
import math

import drich

job = drich.request()
point = job["element"]
samples = {}
for particle in ("pi", "kaon"):
    with open(f"sim_p{point['p']}_eta{point['eta']}_{particle}.json") as f:
        samples[particle] = json.load(f)
pi, kaon = samples["pi"], samples["kaon"]
resolution = pi["sigma_mrad"] / math.sqrt(pi["photons"])
separation = abs(pi["theta_mrad"] - kaon["theta_mrad"]) / resolution
drich.emit({"p": point["p"], "eta": point["eta"], "separation": separation})
