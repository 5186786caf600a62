#!/usr/bin/env python3
"""Mutual information between a candidate's value and a grid point's threshold label, as the
`excursion` package (diana-hep, 0.0.1a0) computes it in `excursion.optimize.core.approx_mi_vec`, for
random bivariate normals and one or two thresholds. Output: excursion_information.json.

pip install scipy numpy && pip install --no-deps excursion==0.0.1a0
"""
import json
import os

import numpy as np
from excursion.optimize.core import approx_mi_vec

rng = np.random.default_rng(7)
cases = []
for k in range(40):
    mu = rng.normal(0, 1, size=2)
    std = rng.uniform(0.05, 2.0, size=2)
    rho = rng.uniform(-0.95, 0.95)
    thresholds = sorted(rng.normal(0, 1, size=1 + (k % 2)).tolist())
    cov = np.array([[std[0] ** 2, rho * std[0] * std[1]], [rho * std[0] * std[1], std[1] ** 2]])
    value = approx_mi_vec(mu[None, :], cov[None, :, :], [-np.inf] + thresholds + [np.inf])[0]
    cases.append({"mean": mu[0], "standard_deviation": std[0], "label_mean": mu[1],
                  "label_standard_deviation": std[1], "correlation": rho, "thresholds": thresholds,
                  "information": float(value)})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "excursion_information.json"), "w") as f:
    json.dump({"source": "excursion 0.0.1a0 approx_mi_vec", "cases": cases}, f, indent=1)
