"""``@paretopilot.objective`` and ``python -m paretopilot.run``: studies that pilots evaluate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import objectives
import pytest
from _harness import count_finished_jobs, wait_for_exit

import paretopilot

TESTS = Path(__file__).resolve().parent


def run_command(command: str, job: dict, env: dict = None, cwd: str = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/sh", "-c", command],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_spec_of_a_decorated_function():
    spec = objectives.fast_objective.spec(budget=20, name="fast", strategy="sobol")
    assert spec["name"] == "fast" and spec["budget"] == 20 and spec["strategy"] == "sobol"
    assert spec["max_attempts"] == 1 and spec["seed"] == 7
    assert spec["parameters"] == [
        {"name": "x", "type": "float", "lower": 0.0, "upper": 1.0},
        {"name": "layers", "type": "int", "lower": 1, "upper": 5},
        {"name": "shape", "type": "categorical", "choices": ["round", "square"]},
    ]
    assert spec["objectives"] == [{"name": "spread"}, {"name": "signal", "direction": "maximize"}]
    evaluator = spec["evaluator"]
    assert evaluator["command"] == f"{sys.executable} -m paretopilot.run objectives:fast_objective"
    assert evaluator["working_directory"] == str(TESTS)
    assert str(TESTS) in evaluator["environment"]["PYTHONPATH"].split(":")
    assert objectives.fast_objective.spec()["name"] == "fast_objective"
    assert "budget" not in objectives.fast_objective.spec()


def test_space_forms_and_evaluator_overrides():
    @paretopilot.objective(
        space={
            "a": (1e-3, 1.0, "log"),
            "b": (0, 3, "int"),
            "c": (0, 1),
            "d": ["x", "y"],
            "e": {"type": "float", "lower": 0, "upper": 2},
        },
        objectives=["f", ("g", "maximize", 3.0), {"name": "h", "reference": 1}],
        evaluator={"timeout": 60, "environment": {"EXTRA": "1"}},
    )
    def local(a, b, c, d, e):
        return {"f": a, "g": b, "h": c}

    with pytest.raises(ValueError, match="module level"):
        local.spec()
    assert local(1, 2, 3, "x", 0) == {"f": 1, "g": 2, "h": 3}  # still an ordinary function
    assert local.parameters == [
        {"name": "a", "type": "float", "lower": 1e-3, "upper": 1.0, "scale": "log"},
        {"name": "b", "type": "int", "lower": 0, "upper": 3},
        {"name": "c", "type": "float", "lower": 0, "upper": 1},
        {"name": "d", "type": "categorical", "choices": ["x", "y"]},
        {"name": "e", "type": "float", "lower": 0, "upper": 2},
    ]
    assert local.objectives == [
        {"name": "f"},
        {"name": "g", "direction": "maximize", "reference": 3.0},
        {"name": "h", "reference": 1},
    ]
    with pytest.raises(ValueError, match="'int', 'log' or 'float'"):
        paretopilot.objective(space={"a": (0, 1, "cubic")}, objectives=["f"])


def test_run_module_prints_one_json_line_of_outputs(tmp_path):
    command = objectives.fast_objective.spec()["evaluator"]["command"]
    job = {"trial": 7, "parameters": {"x": 0.5, "layers": 2, "shape": "square"}}
    done = run_command(command, job, {"PYTHONPATH": str(TESTS)}, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == objectives.fast_objective(0.5, 2, "square")


def test_run_module_failures():
    base = f"{sys.executable} -m paretopilot.run"
    env = {"PYTHONPATH": str(TESTS)}
    raised = run_command(f"{base} objectives:failing_objective", {"trial": 0, "parameters": {"x": 0.1}}, env)
    assert raised.returncode == 1 and raised.stdout == ""
    assert raised.stderr.strip().splitlines()[-1] == objectives.FAILURE
    nan = run_command(f"{base} objectives:not_finite", {"trial": 0, "parameters": {"x": 0.1}}, env)
    assert nan.returncode == 1
    assert nan.stderr.strip().splitlines()[-1] == "ValueError: output 'f' is nan, not a finite number"
    missing = run_command(f"{base} objectives:nope", {"trial": 0, "parameters": {}}, env)
    assert missing.returncode == 1 and "AttributeError" in missing.stderr
    assert run_command(base, {}, env).returncode == 2


def test_run_module_reads_parameters_from_the_environment():
    done = subprocess.run(
        [sys.executable, "-m", "paretopilot.run", "objectives:plain"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "PYTHONPATH": str(TESTS),
            "PARETOPILOT_PARAM_X": "0.25",
            "PARETOPILOT_PARAM_LABEL": "abc",
            "PARETOPILOT_PARAM_COUNT": "4",
        },
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "some chatter on stdout" and json.loads(lines[-1]) == {"f": 1.0, "n": 3}


def test_decorated_study_of_20_trials_completed_by_two_pilots(service):
    study = objectives.fast_objective.submit(service.client(), budget=20, name="decorated")
    assert study.name == "decorated"
    logs = [service.pilot(slots=2, idle_exit=3), service.pilot(slots=2, idle_exit=3)]
    summary = study.wait(timeout=180, poll=0.25)
    assert (summary["completed"], summary["failed"], summary["trials"]) == (20, 0, 20)
    trials = study.trials()
    assert sorted(t.number for t in trials) == list(range(20))
    for trial in trials:
        assert trial.outputs == pytest.approx(objectives.fast_objective(**trial.parameters), rel=1e-12)
    wait_for_exit(service, timeout=60)
    jobs = [count_finished_jobs(log) for log in logs]
    assert sum(jobs) == 20 and min(jobs) > 0, jobs
    assert study.front()["trials"]


def test_a_raising_function_is_a_failed_attempt_with_its_traceback(service):
    client = service.client()
    study = objectives.failing_objective.submit(client, budget=2, name="failing")
    service.pilot(slots=2, idle_exit=2)
    summary = study.wait(timeout=120, poll=0.25)
    assert (summary["failed"], summary["completed"]) == (2, 0)
    wait_for_exit(service, timeout=30)
    for trial in study.trials():
        assert trial.state == "failed" and trial.attempts == 1 and trial.error
        # The traceback's tail reaches the client through the trials listing, and the same lines
        # are in the attempt's stderr log.
        assert objectives.FAILURE in (trial.stderr_tail or ""), trial
        assert len(trial.jobs) == 1 and trial.pilot
        lines = client._request("GET", f"/v1/jobs/{trial.jobs[0]}/logs")["lines"]
        stderr = "\n".join(line["text"] for line in lines if line["stream"] == "stderr")
        assert objectives.FAILURE in stderr
        assert trial.feasible is None and trial.pareto is None
