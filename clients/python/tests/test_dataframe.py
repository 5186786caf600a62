"""``Study.trials_dataframe()`` against ``paretopilot study export DB --format csv``."""

from __future__ import annotations

import io

import objectives
import pytest
from _harness import create_asktell_study, wait_for_exit

pd = pytest.importorskip("pandas")

TOYTRACKER_PARAMETERS = [  # StudySpecification.toyTracker
    {"name": "layers", "type": "int", "lower": 3, "upper": 10},
    {"name": "outer_radius_m", "type": "float", "lower": 0.2, "upper": 0.8},
    {"name": "hit_resolution_um", "type": "float", "lower": 5, "upper": 40},
    {"name": "material_x0", "type": "float", "lower": 0.0005, "upper": 0.01},
    {"name": "field_t", "type": "float", "lower": 0.5, "upper": 3.0},
]


def assert_same_as_export(study, service) -> None:
    ours = study.trials_dataframe()
    exported = pd.read_csv(io.StringIO(service.export_csv()))
    assert list(ours.columns) == list(exported.columns)
    pd.testing.assert_frame_equal(ours, exported, check_exact=False, rtol=1e-9, atol=1e-9)


def test_dataframe_of_an_ask_tell_study_equals_the_export(service):
    spec = {
        "name": "mixed",
        "parameters": [
            {"name": "x", "type": "float", "lower": 0.0, "upper": 1.0},
            {"name": "layers", "type": "int", "lower": 1, "upper": 5},
            {"name": "shape", "type": "categorical", "choices": ["round", "square"]},
            {"name": "gain", "type": "float", "lower": 0.01, "upper": 100, "scale": "log"},
        ],
        "objectives": [{"name": "spread"}, {"name": "signal", "direction": "maximize"}],
        "constraints": ["area <= 4", "signal >= 0.1"],
        "budget": 12,
        "seed": 3,
    }
    study = create_asktell_study(service.client(), spec)
    trials = study.ask(7)
    for trial in trials[:4]:
        values = objectives.fast_objective(trial.parameters["x"], trial.parameters["layers"], trial.parameters["shape"])
        if trial.number == 1:
            values["rare"] = 1e-05  # an output only one trial has, in exponent notation
        if trial.number == 2:
            values["signal"] = 2.0
        trial.tell(values)
    study.tell(4, failure='crashed, "badly"\nsecond line')
    study.tell(5, {"spread": 1.5e17, "signal": -3.25, "area": 1.0})  # completed, infeasible
    design = {"x": 0.25, "layers": 1, "shape": "round", "gain": 1.0}
    for _ in range(2):  # a duplicate design on the front: the export marks its first copy only
        added = study.add_trial(design)
        study.tell(added.number, {"spread": 0.0, "signal": 9.0, "area": 1.25})
    study.add_trial({**design, "gain": 0.5})  # pending; trial 6 stays running

    frame = study.trials_dataframe()
    assert list(frame.columns) == [
        "trial",
        "state",
        "attempts",
        "x",
        "layers",
        "shape",
        "gain",
        "spread",
        "signal",
        "area",
        "rare",
        "feasible",
        "pareto",
        "error",
    ]
    assert frame["state"].tolist().count("running") == 1
    assert frame.loc[frame["trial"] == 7, "pareto"].item() and not frame.loc[frame["trial"] == 8, "pareto"].item()
    # The server's own flags agree with the client's rules (trial 5 is completed but infeasible).
    listed = {t.number: t for t in study.trials()}
    assert listed[5].feasible is False and listed[5].pareto is False
    assert listed[7].pareto is True and listed[8].pareto is False
    assert listed[6].feasible is None and listed[4].pareto is None
    assert_same_as_export(study, service)
    assert study.csv() == service.export_csv()  # even the text, here


def test_dataframe_of_toytracker_run_by_a_pilot_equals_the_export(service):
    study = service.client().create_study(
        {
            "name": "toytracker",
            "parameters": TOYTRACKER_PARAMETERS,
            "objectives": [{"name": "resolution", "reference": 0.1}, {"name": "cost", "reference": 40}],
            "evaluator": {"problem": "toytracker"},
            "budget": 12,
            "seed": 2,
        }
    )
    service.pilot(slots=2, idle_exit=2)
    summary = study.wait(timeout=120, poll=0.2)
    assert summary["completed"] == 12
    wait_for_exit(service, timeout=30)
    frame = study.trials_dataframe()
    assert "constraint_0" in frame.columns and frame["pareto"].any()
    assert_same_as_export(study, service)


def test_trials_dataframe_without_pandas_says_how_to_install(service, monkeypatch):
    import builtins

    study = create_asktell_study(
        service.client(),
        {
            "name": "nopandas",
            "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
            "objectives": [{"name": "f"}],
        },
    )
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"pip install 'paretopilot\[pandas\]'"):
        study.trials_dataframe()
