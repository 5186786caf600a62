"""Stand-in physics of the dRICH example: a toy of Cherenkov angles, photon yields and the
single-photon resolution of a design, shared by the example's step scripts (no Geant4)."""

import hashlib
import json
import math
import os
import sys

MASS = {"pi": 0.13957, "kaon": 0.49368}
INDEX = {"C2F6": 1.0008, "C4F10": 1.00137, "CF4": 1.00048}


def request():
    """The job's JSON on stdin: trial, parameters, step, element, steps (earlier outputs)."""
    return json.loads(sys.stdin.readline())


def overlaps(x):
    """The sensor sphere cuts the mirror's support when it sits too close for its size."""
    clearance = x["sensor_x"] - 0.9 * x["sensor_radius"] - 0.25 * x["mirror_radius"] - 2.5 * abs(x["mirror_tilt"])
    return clearance < 0


def cherenkov_angle(p, particle, gas):
    beta = p / math.sqrt(p * p + MASS[particle] ** 2)
    c = 1.0 / (INDEX[gas] * beta)
    return math.acos(c) if c < 1 else 0.0


def single_photon_resolution(x, eta):
    """mrad: the focusing error (sensor off the mirror's focal surface, which the tilt moves with
    eta) and the chromatic error of the gas."""
    focal = x["mirror_radius"] / 2 + 6.0 * x["mirror_tilt"] * (eta - 2.25)
    defocus = (x["sensor_x"] - focal) / 12.0
    chromatic = {"C2F6": 0.35, "C4F10": 0.55, "CF4": 0.25}[x["gas"]]
    return math.hypot(0.25, chromatic, 0.6 * defocus)


def photons(x, eta):
    length = 100.0 + 20 * (3.0 - eta)
    yield_per_cm = 370 * (1 - 1 / INDEX[x["gas"]] ** 2) * 0.15
    coverage = min(1.0, (x["sensor_radius"] / 55.0) ** 2)
    return max(0.5, yield_per_cm * length * coverage)


def jitter(*keys):
    """A deterministic pseudo-random number in [-1, 1] for these keys (statistical noise)."""
    digest = hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**63 - 1


def emit(value):
    print(json.dumps(value), flush=True)


def log(message):
    print(message, file=sys.stderr, flush=True)
    return os.environ.get("PARETOPILOT_STEP", "")
