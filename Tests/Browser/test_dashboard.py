"""The dashboard of a study that pilots are running, loaded in headless Chromium."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("PARETOPILOT_ARTIFACTS", REPO / ".build" / "artifacts"))

# A slow two-objective evaluator (0.3 s per design), so that results keep arriving while the page is open.
EVALUATOR = """#!/bin/sh
cat > /dev/null
sleep 0.3
awk -v x="$PARETOPILOT_PARAM_X" -v y="$PARETOPILOT_PARAM_Y" 'BEGIN { printf("{\\"f1\\": %.17g, \\"f2\\": %.17g}\\n", x*x + y, (1-x)*(1-x) + 100*y*y + 0.01) }'
"""


def dashboard_url(service) -> str:
    for line in (service.directory / "serve.out").read_text().splitlines():
        if line.startswith("dashboard"):
            return line.split()[-1]
    raise AssertionError("paretopilot serve printed no dashboard URL")


def test_dashboard_of_a_running_study_draws_what_the_api_reports_and_updates_live(service, browser, tmp_path):
    script = tmp_path / "evaluate.sh"
    script.write_text(EVALUATOR)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    client = service.client()
    study = client.create_study({
        "name": "live",
        "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1},
                       {"name": "y", "type": "float", "lower": 0.001, "upper": 1, "scale": "log"}],
        "objectives": [{"name": "f1"}, {"name": "f2"}],
        "constraints": ["f1 <= 1.2"],
        "evaluator": {"command": str(script)},
        "budget": 40,
        "strategy": "sobol",
        "min_queued": 4,
    })
    service.pilot(slots=2, idle_exit=30)
    study.wait(n=4, timeout=60)

    url = dashboard_url(service)
    assert "#token=" in url
    browser.call("Page.navigate", url=url.replace("#token=", "#study=live&token=", 1))
    browser.wait_for("document.body.dataset.ready === 'study'", timeout=60)
    # The token left the address bar; the page kept it for this tab.
    assert "token" not in browser.evaluate("location.href")

    def drawn() -> int:
        return int(browser.evaluate("document.getElementById('front').dataset.points || '0'"))

    first = drawn()
    trials = study.trials()
    assert first >= 4
    # A new result appears without a reload.
    browser.wait_for(f"Number(document.getElementById('front').dataset.points) > {first}", timeout=60)
    assert browser.evaluate("performance.getEntriesByType('navigation').length") == 1

    # Once the study is done, the plots have as many points as the API reports.
    study.wait(timeout=120)
    completed = [t for t in study.trials() if t.state == "completed"]
    browser.wait_for(f"Number(document.getElementById('front').dataset.points) === {len(completed)}", timeout=30)
    history = client._request("GET", "/v1/studies/live/history")
    assert int(browser.evaluate("document.getElementById('hypervolume').dataset.points")) >= min(len(history), 2)
    assert int(browser.evaluate("document.getElementById('parallel').dataset.lines")) == len(completed)
    rows = browser.evaluate("document.querySelectorAll('#trials tbody tr').length")
    assert rows == len(study.trials()) >= len(trials)
    assert browser.evaluate("document.querySelectorAll('#pilots tbody tr').length") >= 1

    # Clicking a trial follows its job's log.
    browser.evaluate("document.querySelector('#trials tbody tr.clickable').click()")
    browser.wait_for("document.getElementById('log-title').textContent.includes('job')", timeout=10)

    browser.screenshot(ARTIFACTS / "dashboard.png")
    assert browser.errors == [], browser.errors


def test_without_a_token_the_page_asks_for_one_and_shows_no_data(service, browser):
    client = service.client()
    client.create_study({"name": "secret", "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
                         "objectives": [{"name": "f"}], "budget": 4})
    base = dashboard_url(service).split("#", 1)[0]
    browser.call("Page.navigate", url=base + "#study=secret")
    browser.wait_for("document.getElementById('login') !== null", timeout=30)
    assert "secret" not in browser.evaluate("document.getElementById('main').textContent")
    # A wrong token gets the form again, with the server's reason.
    browser.evaluate("document.getElementById('token').value = 'pp_wrong'; document.getElementById('login').requestSubmit()")
    browser.wait_for("document.getElementById('login-error') && document.getElementById('login-error').textContent.length > 0", timeout=30)
    assert "not valid" in browser.evaluate("document.getElementById('login-error').textContent")
    # The 401 answers show as network errors in the console; nothing else may.
    assert all("401" in e for e in browser.errors), browser.errors


def test_a_single_objective_study_is_drawn_against_trials_and_an_empty_one_without_errors(service, browser):
    client = service.client()
    single = client.create_study({"name": "single", "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1},
                                  {"name": "kind", "type": "categorical", "choices": ["a", "b"]}],
                                  "objectives": [{"name": "f", "direction": "maximize"}], "budget": 6})
    for trial in single.ask(4):
        trial.tell({"f": trial.parameters["x"]})
    client.create_study({"name": "empty", "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
                         "objectives": [{"name": "f"}, {"name": "g"}], "budget": 6})
    url = dashboard_url(service)
    for name, points in (("single", 4), ("empty", 0)):
        browser.call("Page.navigate", url="about:blank")
        browser.call("Page.navigate", url=url.replace("#token=", f"#study={name}&token=", 1))
        browser.wait_for("document.body.dataset.ready === 'study'", timeout=30)
        assert int(browser.evaluate("document.getElementById('front').dataset.points")) == points
    browser.call("Page.navigate", url="about:blank")
    browser.call("Page.navigate", url=url.replace("#token=", "#study=single&token=", 1))
    browser.wait_for("document.body.dataset.ready === 'study'", timeout=30)
    assert browser.evaluate("document.getElementById('hv-panel').hidden") is True
    assert "best so far" in browser.evaluate("document.getElementById('front-title').textContent")
    assert browser.errors == [], browser.errors
