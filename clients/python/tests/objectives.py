"""Objective functions that the tests' pilots run through ``python -m paretopilot.run``."""

from __future__ import annotations

import time
from typing import Dict

import paretopilot

FAILURE = "RuntimeError: the simulation diverged (on purpose)"


@paretopilot.objective(
    space={"x": (0.0, 1.0), "layers": (1, 5, "int"), "shape": ["round", "square"]},
    objectives=["spread", ("signal", "maximize")],
    max_attempts=1,
    seed=7,
)
def fast_objective(x: float, layers: int, shape: str) -> Dict[str, float]:
    """Two cheap conflicting objectives and one more output."""
    time.sleep(0.05)
    bonus = 0.5 if shape == "square" else 0.0
    return {"spread": (x - 0.3) ** 2 + 0.1 * layers, "signal": x * layers + bonus, "area": x + layers}


@paretopilot.objective(space={"x": (0.0, 1.0)}, objectives=["f"], max_attempts=1)
def failing_objective(x: float) -> Dict[str, float]:
    """Always raises."""
    raise RuntimeError("the simulation diverged (on purpose)")


def sometimes_failing(x: float, layers: int, shape: str) -> Dict[str, float]:
    """`fast_objective`, raising for large x (for ``Study.optimize``)."""
    if x > 0.8:
        raise ValueError(f"x={x} is too large")
    return fast_objective(x, layers, shape)


def not_finite(x: float) -> Dict[str, float]:
    return {"f": float("nan")}


def plain(x: float, label: str = "a", count: int = 1) -> Dict[str, float]:
    """An undecorated function (for the environment-variable fallback of paretopilot.run)."""
    print("some chatter on stdout")
    return {"f": x * count, "n": len(label)}


def wrong_output(x: float) -> Dict[str, float]:
    """Lacks the objective `f`: the server refuses the tell."""
    return {"g": x}
