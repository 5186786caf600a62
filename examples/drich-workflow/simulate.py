#!/usr/bin/env python3
"""One simulation job: a (p, eta, particle) point, DRICH_EVENTS particles, in two halves with a
checkpoint after the first, so a preempted job resumes from it."""
import json
import math
import os
import time

import drich

job = drich.request()
x, point = job["parameters"], job["element"]
checkpoint = os.path.join(os.environ["PARETOPILOT_CHECKPOINT_DIR"], "first_half.json")
seconds = float(os.environ.get("DRICH_SECONDS", "0.1"))
events = int(os.environ.get("DRICH_EVENTS", "3000"))

if os.path.exists(checkpoint):
    with open(checkpoint) as f:
        first = json.load(f)
    drich.log(f"resuming from {checkpoint}")
else:
    time.sleep(seconds / 2)
    first = {"events": events // 2}
    with open(checkpoint + ".tmp", "w") as f:
        json.dump(first, f)
    os.replace(checkpoint + ".tmp", checkpoint)
time.sleep(seconds / 2)

theta = drich.cherenkov_angle(point["p"], point["particle"], x["gas"]) * 1000
sigma = drich.single_photon_resolution(x, point["eta"])
n = drich.photons(x, point["eta"]) * (1 + 0.03 * drich.jitter(job["trial"], point))
result = {"theta_mrad": theta, "sigma_mrad": sigma, "photons": n, "events": events, "resumed": job["resumed"]}
name = f"sim_p{point['p']}_eta{point['eta']}_{point['particle']}.json"
with open(name, "w") as f:
    json.dump(result, f)
drich.emit({"file": name, "theta_mrad": theta, "resumed": job["resumed"]})
