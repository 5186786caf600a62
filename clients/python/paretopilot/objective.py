"""``@objective``: turn a module-level Python function into a study that pilots evaluate.

::

    @paretopilot.objective(
        space={"radius": (0.2, 0.8), "layers": (3, 10, "int"), "gas": ["C2F6", "C4F10"]},
        objectives=["resolution", ("pid", "maximize")],
    )
    def simulate(radius, layers, gas):
        return {"resolution": ..., "pid": ...}

    study = simulate.submit(client, budget=40)   # pilots run `python -m paretopilot.run mod:simulate`
    simulate(radius=0.5, layers=4, gas="C2F6")  # still an ordinary function
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client
    from .study import Study

__all__ = ["objective", "parameter_spec", "objective_spec", "evaluator_for"]

F = TypeVar("F", bound=Callable[..., Any])
SpaceEntry = Union[Tuple[Any, ...], List[Any], Mapping[str, Any]]
ObjectiveEntry = Union[str, Tuple[Any, ...], Mapping[str, Any]]


def parameter_spec(name: str, entry: SpaceEntry) -> Dict[str, Any]:
    """The study-file parameter for one `space` entry.

    ``(low, high)`` is a float, ``(low, high, "int")`` an integer, ``(low, high, "log")`` a
    log-scale float, a list the choices of a categorical; a dict is taken as it is.
    """
    if isinstance(entry, Mapping):
        return {"name": name, **entry}
    if isinstance(entry, list):
        return {"name": name, "type": "categorical", "choices": [str(c) for c in entry]}
    if isinstance(entry, tuple) and len(entry) in (2, 3):
        low, high = entry[0], entry[1]
        kind = entry[2] if len(entry) == 3 else "float"
        result: Dict[str, Any] = {"name": name, "type": "float", "lower": low, "upper": high}
        if kind == "int":
            result["type"] = "int"
        elif kind == "log":
            result["scale"] = "log"
        elif kind != "float":
            raise ValueError(f"parameter {name!r}: the third element must be 'int', 'log' or 'float', got {kind!r}")
        return result
    raise ValueError(
        f"parameter {name!r}: expected (low, high), (low, high, 'int'|'log'), a list of choices or a dict, "
        f"got {entry!r}"
    )


def objective_spec(entry: ObjectiveEntry) -> Dict[str, Any]:
    """The study-file objective for ``"name"``, ``("name", "maximize"[, reference])`` or a dict."""
    if isinstance(entry, str):
        return {"name": entry}
    if isinstance(entry, Mapping):
        return dict(entry)
    if isinstance(entry, tuple) and len(entry) in (2, 3):
        result: Dict[str, Any] = {"name": entry[0], "direction": entry[1]}
        if len(entry) == 3:
            result["reference"] = entry[2]
        return result
    raise ValueError(
        f"objective: expected 'name', ('name', 'minimize'|'maximize'[, reference]) or a dict, got {entry!r}"
    )


def _location(func: Callable[..., Any]) -> Tuple[str, Path]:
    """The module name of `func` and the directory from which that module imports."""
    if "<locals>" in func.__qualname__:
        raise ValueError(f"{func.__qualname__}: pilots import the function, so it must be defined at module level")
    module = sys.modules.get(func.__module__)
    file = getattr(module, "__file__", None)
    if not file:
        raise ValueError(f"{func.__qualname__} is not defined in a module file that pilots could import")
    path = Path(file).resolve()
    name = func.__module__
    if name == "__main__":
        main_spec = getattr(module, "__spec__", None)
        name = main_spec.name if main_spec is not None else path.stem  # python -m pkg.mod, or a script
    depth = name.count(".") + (1 if path.stem == "__init__" else 0)
    root = path.parent
    for _ in range(depth):
        root = root.parent
    return name, root


def evaluator_for(func: Callable[..., Any], python: Optional[str] = None) -> Dict[str, Any]:
    """The study's evaluator that runs `func` through ``python -m paretopilot.run MODULE:FUNCTION``."""
    module, root = _location(func)
    paths = [str(root)]
    package_root = Path(__file__).resolve().parent.parent
    if not {"site-packages", "dist-packages"} & set(package_root.parts) and str(package_root) not in paths:
        paths.append(str(package_root))  # paretopilot used from a source tree: pilots need it too
    target = shlex.quote(f"{module}:{func.__qualname__}")
    return {
        "command": f"{shlex.quote(python or sys.executable)} -m paretopilot.run {target}",
        "working_directory": str(root),
        "environment": {"PYTHONPATH": ":".join(paths)},
    }


def objective(
    space: Mapping[str, SpaceEntry],
    objectives: Sequence[ObjectiveEntry],
    **study_fields: Any,
) -> Callable[[F], F]:
    """Decorates a module-level function with its search space and objectives.

    The function keeps working as before and gains ``func.spec(name=None, budget=None, **extra)``,
    the study-file dict, and ``func.submit(client, budget=None, name=None, **extra)``, which creates
    the study on the server. `study_fields` (and `extra`) are further study-file fields
    (``max_attempts``, ``seed``, ``constraints``, ...); an ``evaluator`` dict among them is merged
    into the generated one (for a ``timeout``, a ``prefix``, more ``environment``).
    """
    parameters = [parameter_spec(name, entry) for name, entry in space.items()]
    goals = [objective_spec(entry) for entry in objectives]
    if not parameters or not goals:
        raise ValueError("objective() needs at least one parameter and one objective")

    def decorate(func: F) -> F:
        def spec(
            name: Optional[str] = None, budget: Optional[int] = None, python: Optional[str] = None, **extra: Any
        ) -> Dict[str, Any]:
            fields = {**study_fields, **extra}
            evaluator = evaluator_for(func, python)
            given = dict(fields.pop("evaluator", None) or {})
            evaluator["environment"].update(given.pop("environment", None) or {})
            evaluator.update(given)
            result: Dict[str, Any] = {
                "name": name or func.__name__,
                "parameters": [dict(p) for p in parameters],
                "objectives": [dict(o) for o in goals],
                **fields,
                "evaluator": evaluator,
            }
            if budget is not None:
                result["budget"] = budget
            return result

        def submit(client: "Client", budget: Optional[int] = None, name: Optional[str] = None, **extra: Any) -> "Study":
            return client.create_study(spec(name=name, budget=budget, **extra))

        func.spec = spec  # type: ignore[attr-defined]
        func.submit = submit  # type: ignore[attr-defined]
        func.parameters = parameters  # type: ignore[attr-defined]
        func.objectives = goals  # type: ignore[attr-defined]
        return func

    return decorate
