#!/usr/bin/env python3
"""The trial's objectives: the mean pi/K separation at low and at high eta (from the analyses'
outputs, which arrive on stdin) and the acceptance of the sensor sphere."""
import math

import drich

job = drich.request()
x = job["parameters"]
analyses = job["steps"]["analyze"]
low = [a["separation"] for a in analyses if a["eta"] < 2]
high = [a["separation"] for a in analyses if a["eta"] >= 2]
acceptance = 1 - math.exp(-((x["sensor_radius"] / 40.0) ** 2)) * (1 + 0.02 * abs(x["mirror_tilt"]))
drich.emit(
    {
        "separation_low_eta": sum(low) / len(low),
        "separation_high_eta": sum(high) / len(high),
        "acceptance": acceptance,
    }
)
