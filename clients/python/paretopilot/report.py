"""The trials table of ``paretopilot study export FILE --format csv``, rebuilt from the API.

Columns: ``trial, state, attempts``, the parameters in the study's order, the outputs (objectives
first, then every other output alphabetically), ``feasible``, ``pareto`` and ``error``. A trial is
feasible when it is completed and satisfies every outcome constraint (the study's, and a built-in
problem's own ``constraint_<k> <= 0``); the Pareto members are the feasible trials not dominated by
another one (first copy of duplicates), as the server computes them.
"""

from __future__ import annotations

import math
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

__all__ = ["trials_table", "to_csv", "number_text", "parameter_text"]

_CONSTRAINT = re.compile(r"^\s*(.+?)\s*(<=|>=)\s*(\S+)\s*$")
_BUILTIN_CONSTRAINT = re.compile(r"^constraint_\d+$")


def number_text(value: float) -> str:
    """A double as Swift prints it (shortest round-trip digits, ``1.0`` for whole numbers)."""
    return repr(float(value))


def parameter_text(value: Any) -> str:
    """A parameter value as the export writes it: whole numbers without a fraction."""
    if isinstance(value, str):
        return value
    v = float(value)
    return str(int(v)) if v == round(v) and abs(v) < 1e15 else repr(v)


def _constraints(
    specification: Mapping[str, Any], trials: Sequence[Mapping[str, Any]]
) -> List[Tuple[str, bool, float]]:
    """(output, is_upper_bound, bound) of every outcome constraint."""
    result: List[Tuple[str, bool, float]] = []
    for text in specification.get("constraints") or []:
        match = _CONSTRAINT.match(text)
        if match:
            result.append((match.group(1), match.group(2) == "<=", float(match.group(3))))
    if (specification.get("evaluator") or {}).get("problem"):
        # A built-in problem's own constraints; the API does not say how many, its outputs do.
        names = {name for t in trials for name in (t.get("outputs") or {}) if _BUILTIN_CONSTRAINT.match(name)}
        result += [(name, True, 0.0) for name in sorted(names)]
    return result


def _feasible(trial: Mapping[str, Any], constraints: Sequence[Tuple[str, bool, float]]) -> bool:
    outputs = trial.get("outputs")
    if trial.get("state") != "completed" or outputs is None:
        return False
    for output, upper, bound in constraints:
        value = outputs.get(output)
        if value is None or not math.isfinite(value):
            return False
        if (value - bound if upper else bound - value) > 0:
            return False
    return True


def _minimized(outputs: Mapping[str, float], objectives: Sequence[Mapping[str, Any]]) -> Optional[List[float]]:
    values = []
    for objective in objectives:
        value = outputs.get(objective["name"])
        if value is None or not math.isfinite(value):
            return None
        values.append(-value if objective.get("direction") == "maximize" else value)
    return values


def _dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


def pareto_trials(specification: Mapping[str, Any], trials: Sequence[Mapping[str, Any]]) -> List[int]:
    """Numbers of the feasible completed trials on the Pareto front."""
    constraints = _constraints(specification, trials)
    objectives = specification["objectives"]
    points: List[Tuple[int, List[float]]] = []
    for trial in trials:
        if _feasible(trial, constraints):
            y = _minimized(trial["outputs"], objectives)
            if y is not None:
                points.append((trial["trial"], y))
    front = []
    for i, (number, y) in enumerate(points):
        dominated = any(_dominates(z, y) for _, z in points)
        duplicate = any(z == y for _, z in points[:i])
        if not dominated and not duplicate:
            front.append(number)
    return front


def trials_table(
    specification: Mapping[str, Any], trials: Sequence[Mapping[str, Any]]
) -> Tuple[List[str], List[List[str]]]:
    """The export's header and rows (as text) for `trials` (the JSON of ``GET .../trials``)."""
    trials = sorted(trials, key=lambda t: t["trial"])
    constraints = _constraints(specification, trials)
    front = set(pareto_trials(specification, trials))
    parameters = [p["name"] for p in specification["parameters"]]
    objectives = [o["name"] for o in specification["objectives"]]
    others = sorted({name for t in trials for name in (t.get("outputs") or {})} - set(objectives))
    outputs = objectives + others
    header = ["trial", "state", "attempts"] + parameters + outputs + ["feasible", "pareto", "error"]
    rows = []
    for trial in trials:
        values: Dict[str, Any] = trial.get("parameters") or {}
        measured: Dict[str, float] = trial.get("outputs") or {}
        row = [str(trial["trial"]), trial["state"], str(trial.get("attempts", 0))]
        row += [parameter_text(values[name]) if name in values else "" for name in parameters]
        row += [number_text(measured[name]) if name in measured else "" for name in outputs]
        # The server's flags when it sends them (servers since the trials listing had them), else ours.
        feasible = trial.get("feasible")
        pareto = trial.get("pareto")
        if feasible is None:
            feasible = _feasible(trial, constraints)
        if pareto is None:
            pareto = trial["trial"] in front
        row += [
            "true" if feasible else "false",
            "true" if pareto else "false",
            trial.get("error") or "",
        ]
        rows.append(row)
    return header, rows


def to_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """CSV text with the export's quoting (RFC 4180: fields with a comma, quote or newline)."""

    def quote(field: str) -> str:
        if any(c in field for c in ',"\n'):
            return '"' + field.replace('"', '""') + '"'
        return field

    return "".join(",".join(quote(f) for f in line) + "\n" for line in [list(header), *rows])
