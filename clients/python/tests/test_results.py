"""``Study.results()``: finished trials from ``GET /v1/studies/{study}/results``.

The tests against the real server are skipped when its binary has no results endpoint (probed);
the client's stream handling (keep-alives, resuming a dropped stream, duplicates, paging) is also
checked against a small stand-in server that follows the endpoint's contract.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, List

import objectives
import pytest
from _harness import results_endpoint

import paretopilot

AVAILABLE, WHY_NOT = results_endpoint()
needs_results_endpoint = pytest.mark.skipif(not AVAILABLE, reason=WHY_NOT or "results endpoint available")


def collect(iterator: Iterator[paretopilot.Trial], timeout: float) -> List[paretopilot.Trial]:
    """Drains `iterator` in a thread, failing the test if it does not end within `timeout` s."""
    items: List[paretopilot.Trial] = []
    errors: List[BaseException] = []

    def drain() -> None:
        try:
            items.extend(iterator)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the results stream did not end within {timeout} s ({len(items)} results)"
    if errors:
        raise errors[0]
    return items


@needs_results_endpoint
def test_follow_yields_every_finished_trial_once_while_pilots_run(service):
    study = objectives.fast_objective.submit(service.client(), budget=8, name="streamed")
    stream = study.results(follow=True)
    service.pilot(slots=2, idle_exit=3)
    service.pilot(slots=2, idle_exit=3)
    results = collect(stream, timeout=180)
    assert sorted(t.number for t in results) == list(range(8))
    assert all(t.state in ("completed", "failed") for t in results)
    sequences = [t.sequence for t in results]
    assert sequences == sorted(sequences) and len(set(sequences)) == 8
    for trial in results:
        if trial.state == "completed":
            assert trial.outputs == pytest.approx(objectives.fast_objective(**trial.parameters))

    again = list(study.results())  # the same, as JSON pages
    assert [(t.number, t.sequence) for t in again] == [(t.number, t.sequence) for t in results]
    rest = list(study.results(after=results[2].sequence))
    assert [t.number for t in rest] == [t.number for t in results[3:]]
    resumed = collect(study.results(follow=True, after=results[4].sequence), timeout=30)
    assert [t.number for t in resumed] == [t.number for t in results[5:]]


@needs_results_endpoint
def test_results_of_an_unknown_study_is_not_found(service):
    with pytest.raises(paretopilot.NotFound):
        list(paretopilot.Study(service.client(), "nope").results())


# MARK: The client's side of the contract, against a stand-in server


def trial_json(number: int) -> Dict:
    failed = number == 4
    return {
        "trial": number,
        "state": "failed" if failed else "completed",
        "parameters": {"x": number / 10},
        "outputs": None if failed else {"f": float(number)},
        "attempts": 1,
        "error": "exit code 1" if failed else None,
    }


class StandIn(BaseHTTPRequestHandler):
    """Trials 1..4 (sequence = trial number); the first followed stream drops after two events."""

    requests: List[Dict[str, str]] = []
    silent_streams = 0  # followed streams that first say nothing for a while
    protocol_version = "HTTP/1.0"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        StandIn.requests.append(query)
        after = int(query.get("after", 0))
        if query.get("follow") != "true":
            numbers = [n for n in range(1, 5) if n > after][:2]  # pages of two
            body = {
                "results": [{"sequence": n, "trial": trial_json(n)} for n in numbers],
                "next_after": numbers[-1] if numbers else after,
            }
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body).encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def event(n: int) -> None:
            self.wfile.write(f"id: {n}\nevent: trial\ndata: {json.dumps(trial_json(n))}\n\n".encode())

        if StandIn.silent_streams:
            StandIn.silent_streams -= 1
            self.wfile.flush()
            time.sleep(1.0)  # longer than the client's timeout
            return
        self.wfile.write(b": keep-alive\n\n")
        if after == 0:
            event(1)
            event(2)
            self.wfile.write(b'id: 3\nevent: trial\ndata: {"tri')  # cut off mid-event
            self.wfile.flush()
            return  # the connection closes without `event: end`
        for n in range(after, 5):  # the resumed stream repeats the last event seen
            if n >= 1:
                event(n)
            self.wfile.write(b": still here\n\n")
        self.wfile.write(b"event: end\ndata: {}\n\n")


@pytest.fixture
def stand_in() -> Iterator[paretopilot.Study]:
    StandIn.requests, StandIn.silent_streams = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    client = paretopilot.Client(url, token="t", backoff=0.01, timeout=0.3, retries=1)
    try:
        yield paretopilot.Study(client, "s")
    finally:
        server.shutdown()
        server.server_close()


def test_follow_resumes_a_dropped_stream_after_the_last_event(stand_in):
    results = collect(stand_in.results(follow=True), timeout=30)
    assert [(t.number, t.sequence, t.state) for t in results] == [
        (1, 1, "completed"),
        (2, 2, "completed"),
        (3, 3, "completed"),
        (4, 4, "failed"),
    ]
    assert results[3].error == "exit code 1" and results[0].outputs == {"f": 1.0}
    assert [r.get("after") for r in StandIn.requests] == ["0", "2"]
    assert all(r.get("follow") == "true" for r in StandIn.requests)


def test_results_without_follow_reads_every_page(stand_in):
    assert [t.number for t in stand_in.results()] == [1, 2, 3, 4]
    assert [r["after"] for r in StandIn.requests] == ["0", "2", "4"]
    assert [t.number for t in stand_in.results(after=3)] == [4]


def test_follow_reconnects_a_silent_stream_without_giving_up(stand_in):
    StandIn.silent_streams = 3  # more than the client's retries: silence is not a failure
    results = collect(stand_in.results(follow=True), timeout=30)
    assert [t.number for t in results] == [1, 2, 3, 4]
    assert [r.get("after") for r in StandIn.requests] == ["0", "0", "0", "0", "2"]
