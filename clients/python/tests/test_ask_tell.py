"""Ask/tell, adding trials, reading a study, optimize() and wait() against a real server."""

from __future__ import annotations

import objectives
import pytest
from _harness import create_asktell_study

import paretopilot

SPACE = [
    {"name": "x", "type": "float", "lower": 0.0, "upper": 1.0},
    {"name": "layers", "type": "int", "lower": 1, "upper": 5},
    {"name": "shape", "type": "categorical", "choices": ["round", "square"]},
]
OBJECTIVES = [{"name": "spread"}, {"name": "signal", "direction": "maximize"}]


def make_study(service, name: str = "asktell", **fields) -> paretopilot.Study:
    spec = {"name": name, "parameters": SPACE, "objectives": OBJECTIVES, "budget": 10, "seed": 1, **fields}
    return create_asktell_study(service.client(), spec)


def test_health_and_studies(service):
    client = service.client()
    assert client.health()["status"] == "ok"
    assert client.health()["open_streams"] == 0
    assert paretopilot.Client(service.url, token="").health()["status"] == "ok"  # needs no token
    make_study(service, "one")
    make_study(service, "two")
    assert [s.name for s in client.studies()] == ["one", "two"]
    assert client.study("two").name == "two"
    assert client.study("1").name == "one"  # by id too


def test_ask_tell_round_trip(service):
    study = make_study(service)
    assert study.summary()["budget"] == 10
    trials = study.ask(3)
    assert [t.number for t in trials] == [0, 1, 2]
    for trial in trials:
        assert trial.state == "running" and isinstance(trial.job, int)
        assert set(trial.parameters) == {"x", "layers", "shape"}
        assert 0 <= trial.parameters["x"] <= 1
        assert trial.parameters["layers"] == int(trial.parameters["layers"])
        assert trial.parameters["shape"] in ("round", "square")

    values = objectives.fast_objective(**trials[0].parameters)
    assert study.tell(0, values)["recorded"] is True
    assert study.tell(0, values)["recorded"] is False  # the same twice: a no-op
    with pytest.raises(paretopilot.Conflict) as conflict:
        study.tell(0, {**values, "spread": values["spread"] + 1})
    assert conflict.value.status == 409
    assert trials[1].tell(objectives.fast_objective(**trials[1].parameters))["state"] == "completed"
    assert study.tell(2, failure="the simulation crashed")["state"] == "failed"

    summary = study.summary()
    assert (summary["completed"], summary["failed"], summary["running"], summary["trials"]) == (2, 1, 0, 3)
    by_number = {t.number: t for t in study.trials()}
    assert by_number[0].outputs == pytest.approx(values)
    assert by_number[0].job is None and by_number[0].attempts == 1
    assert by_number[2].state == "failed" and by_number[2].error == "the simulation crashed"

    added = study.add_trial({"x": 0.5, "layers": 2, "shape": "square"})
    assert added.number == 3 and added.state == "pending"
    told = study.tell(3, objectives.fast_objective(x=0.5, layers=2, shape="square"))
    assert told["state"] == "completed"

    front = study.front()
    assert front["objectives"] == ["spread", "signal"]
    assert {t["trial"] for t in front["trials"]} <= {0, 1, 3}
    history = study.history()
    assert [h["trials"] for h in history] == [1, 2, 3, 4]


def test_tell_needs_exactly_one_of_values_and_failure(service):
    study = make_study(service)
    study.ask()
    with pytest.raises(ValueError):
        study.tell(0)
    with pytest.raises(ValueError):
        study.tell(0, {"spread": 1.0}, failure="both")


def test_optimize_in_threads_tells_results_and_failures(service):
    study = make_study(service, budget=8)
    told = study.optimize(objectives.sometimes_failing, n_trials=8, n_jobs=3, show_progress=False)
    assert sorted(t.number for t in told) == list(range(8))
    trials = {t.number: t for t in study.trials()}
    assert len(trials) == 8
    for trial in trials.values():
        if trial.parameters["x"] > 0.8:
            assert trial.state == "failed"
            assert "ValueError: x=" in trial.error and "Traceback" in trial.error
        else:
            assert trial.state == "completed"
            assert trial.outputs == pytest.approx(objectives.fast_objective(**trial.parameters))
    summary = study.wait(timeout=5)
    assert summary["completed"] + summary["failed"] == 8


def test_optimize_in_processes(service, capsys):
    study = make_study(service, budget=4)
    told = study.optimize(objectives.fast_objective, n_trials=4, n_jobs=2, executor="process", show_progress=True)
    assert [t.state for t in told] == ["completed"] * 4
    assert "4/4 trials" in capsys.readouterr().err  # the progress bar, when asked for
    summary = study.wait(timeout=5)
    assert summary["completed"] == 4


def test_optimize_bad_outputs_are_failures(service):
    study = create_asktell_study(
        service.client(),
        {"name": "nan", "parameters": [SPACE[0]], "objectives": [{"name": "f"}], "budget": 3},
    )
    told = study.optimize(objectives.not_finite, n_trials=2, show_progress=False)
    told += study.optimize(objectives.wrong_output, n_trials=1, show_progress=False)
    assert [t.state for t in told] == ["failed"] * 3
    errors = [t.error for t in study.trials()]
    assert all("output 'f' is nan, not a finite number" in e for e in errors[:2])
    assert "the server refused the outputs" in errors[2] and "objective 'f'" in errors[2]


def test_wait_times_out(service):
    study = make_study(service, budget=3)
    study.ask()
    with pytest.raises(TimeoutError, match="0 of 3 trials"):
        study.wait(timeout=0.5, poll=0.1)
    assert study.wait(n=0)["trials"] == 1
