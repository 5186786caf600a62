#!/usr/bin/env python3
"""Geometry overlap check: exit code 3 means the design overlaps (infeasible), not a broken run."""
import sys

import drich

job = drich.request()
x = job["parameters"]
if drich.overlaps(x):
    drich.log(f"overlap: sensor sphere (R={x['sensor_radius']:.1f} cm at x={x['sensor_x']:.1f} cm) cuts the mirror support")
    sys.exit(3)
drich.emit({"overlap": False})
