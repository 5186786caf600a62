"""``python -m paretopilot.run MODULE:FUNCTION``: a Python function as a ParetoPilot evaluator.

Reads the job from stdin (``{"trial": 7, "parameters": {...}}``; without it, the parameters come
from the ``PARETOPILOT_PARAM_<NAME>`` variables, matched to the function's arguments), calls the
function, and prints its outputs as one JSON line on stdout. Exit code 0 on success; 1, with the
traceback on stderr, when the function raises or returns anything but a dict of finite numbers;
2 for a bad command line or input.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
import traceback
from typing import Any, Callable, Dict, List, Optional, TextIO

from .study import check_outputs

__all__ = ["main", "load", "parameters_from_environment"]

USAGE = "usage: python -m paretopilot.run MODULE:FUNCTION  (the job's JSON on stdin)"


def load(target: str) -> Callable[..., Any]:
    """The function named by ``MODULE:FUNCTION`` (``FUNCTION`` may be ``Class.method``)."""
    module_name, sep, qualname = target.partition(":")
    if not sep or not module_name or not qualname:
        raise ValueError(f"expected MODULE:FUNCTION, got {target!r}")
    value: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        value = getattr(value, part)
    if not callable(value):
        raise ValueError(f"{target} is not callable")
    return value


def _environment_key(name: str) -> str:
    return "PARETOPILOT_PARAM_" + "".join(c if c.isalnum() else "_" for c in name.upper())


def _number_or_text(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parameters_from_environment(func: Callable[..., Any], environ: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """The function's arguments found as ``PARETOPILOT_PARAM_<NAME>`` variables."""
    environ = dict(os.environ if environ is None else environ)
    found = {}
    for name in inspect.signature(func).parameters:
        key = _environment_key(name)
        if key in environ:
            found[name] = _number_or_text(environ[key])
    return found


def _read_job(stream: TextIO) -> Optional[Dict[str, Any]]:
    text = "" if stream.isatty() else stream.read()
    if not text.strip():
        return None
    job = json.loads(text)
    if not isinstance(job, dict) or not isinstance(job.get("parameters", {}), dict):
        raise ValueError('the job on stdin must be {"trial": N, "parameters": {...}}')
    return job


def main(argv: Optional[List[str]] = None) -> int:
    """Runs one evaluation; returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    try:
        job = _read_job(sys.stdin)
    except ValueError as error:
        print(f"paretopilot.run: unreadable job on stdin: {error}", file=sys.stderr)
        return 2
    try:
        func = load(args[0])
        parameters = job["parameters"] if job is not None else parameters_from_environment(func)
        outputs = check_outputs(func(**parameters))
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()
        return 1
    sys.stdout.write(json.dumps(outputs, allow_nan=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
