"""Errors: the server's JSON error bodies as exceptions, unreachable servers, retries, insecure URLs."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Tuple

import pytest
from _harness import create_asktell_study

import paretopilot

STUDY = {
    "name": "errors",
    "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
    "objectives": [{"name": "f"}],
}


def test_bad_token_is_an_authentication_error_naming_the_token(service):
    client = paretopilot.Client(service.url, token="abcdef123456-not-a-token")
    with pytest.raises(paretopilot.AuthenticationError) as caught:
        client.studies()
    error = caught.value
    assert error.status == 401 and error.code == "unauthorized"
    assert "token 'abcdef…'" in str(error) and "123456" not in str(error)
    with pytest.raises(paretopilot.AuthenticationError, match="no token"):
        paretopilot.Client(service.url, token="").studies()


def test_token_from_the_environment(service, monkeypatch):
    monkeypatch.setenv("PARETOPILOT_TOKEN", service.admin_token)
    assert paretopilot.Client(service.url).studies() == []
    monkeypatch.setenv("PARETOPILOT_URL", service.url)
    assert paretopilot.Client().health()["status"] == "ok"


def test_wrong_role_or_study_is_permission_denied(service):
    create_asktell_study(service.client(), STUDY)
    create_asktell_study(service.client(), {**STUDY, "name": "other"})
    pilot = service.token("pilot")
    with pytest.raises(paretopilot.PermissionDenied) as caught:
        paretopilot.Client(service.url, token=pilot).study("errors")
    error = caught.value
    assert error.status == 403 and error.code == "forbidden"
    assert f"token '{pilot[:6]}…'" in str(error) and "role" in str(error) and "study" in str(error)
    bound = paretopilot.Client(service.url, token=service.token("client", study="other"))
    assert bound.study("other").name == "other"
    with pytest.raises(paretopilot.PermissionDenied, match="bound to another study"):
        bound.study("errors").ask()


def test_unknown_study_is_not_found(service):
    with pytest.raises(paretopilot.NotFound) as caught:
        service.client().study("no-such-study")
    assert (caught.value.status, caught.value.code, caught.value.field) == (404, "not_found", "study")
    with pytest.raises(paretopilot.NotFound):
        paretopilot.Study(service.client(), "no-such-study").tell(0, {"f": 1.0})


def test_malformed_spec_is_an_api_error_with_its_field(service):
    client = service.client()
    bad = {**STUDY, "parameters": [{"name": "x", "type": "float", "lower": 1, "upper": 0}], "evaluator": {}}
    with pytest.raises(paretopilot.APIError) as caught:
        client.create_study(bad)
    error = caught.value
    assert error.status == 422 and error.code == "invalid_value" and error.field == "x"
    assert "lower bound" in error.message and "[field: x]" in str(error)
    with pytest.raises(paretopilot.APIError) as caught:
        client.create_study({**STUDY, "objectives": "f", "evaluator": {}})
    assert caught.value.field == "objectives"
    study = create_asktell_study(client, STUDY)
    study.ask()
    with pytest.raises(ValueError, match="not a finite number"):  # refused here: JSON has no infinity
        study.tell(0, {"f": float("inf")})
    with pytest.raises(paretopilot.APIError) as caught:
        study.add_trial({"x": 2.0})
    assert caught.value.field == "parameters.x" and "outside" in caught.value.message


def test_server_down_is_connection_failed_after_retries(service):
    client = service.client(retries=2, backoff=0.05)
    assert client.health()["status"] == "ok"
    service.stop()
    started = time.monotonic()
    with pytest.raises(paretopilot.ConnectionFailed, match="cannot reach the ParetoPilot server .* after 3 tries"):
        client.studies()
    assert time.monotonic() - started >= 0.05 + 0.1  # backed off twice


def test_plain_http_to_another_host_with_a_token_is_refused():
    with pytest.raises(paretopilot.InsecureTransport, match="insecure=True"):
        paretopilot.Client("http://optimizer.example.org:8080", token="secret-token")
    paretopilot.Client("http://optimizer.example.org:8080", token="secret-token", insecure=True)
    paretopilot.Client("https://optimizer.example.org", token="secret-token")
    paretopilot.Client("http://optimizer.example.org:8080", token="")
    for host in ("127.0.0.1", "localhost", "[::1]", "127.0.0.2"):
        paretopilot.Client(f"http://{host}:8080", token="secret-token")


# MARK: Retries, against a stand-in server


class Flaky(BaseHTTPRequestHandler):
    """Answers from a script of (status, body) per request; records the requests."""

    script: List[Tuple[int, dict]] = []
    seen: List[str] = []

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Flaky.seen.append(f"{self.command} {self.path}")
        status, body = Flaky.script.pop(0) if Flaky.script else (200, {"status": "ok"})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer


@pytest.fixture
def flaky() -> Iterator[paretopilot.Client]:
    Flaky.seen, Flaky.script = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield paretopilot.Client(f"http://127.0.0.1:{server.server_address[1]}", token="t", retries=3, backoff=0.01)
    finally:
        server.shutdown()
        server.server_close()


def test_502_503_504_are_retried(flaky):
    unavailable = {"error": {"code": "unavailable", "message": "busy"}}
    Flaky.script = [(503, unavailable), (502, {}), (504, {}), (200, {"status": "ok"})]
    assert flaky.health() == {"status": "ok"}
    assert len(Flaky.seen) == 4
    Flaky.script = [(503, unavailable)] * 4
    with pytest.raises(paretopilot.APIError) as caught:
        flaky.health()
    assert caught.value.status == 503 and caught.value.message == "busy"


def test_a_post_answered_4xx_is_not_retried(flaky):
    Flaky.script = [(422, {"error": {"code": "invalid_value", "message": "no", "field": "count"}})]
    with pytest.raises(paretopilot.APIError) as caught:
        paretopilot.Study(flaky, "s").ask(5)
    assert caught.value.field == "count" and Flaky.seen == ["POST /v1/studies/s/ask"]


def test_connection_refused_is_retried_then_fails():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = paretopilot.Client(f"http://127.0.0.1:{port}", token="t", retries=1, backoff=0.01)
    with pytest.raises(paretopilot.ConnectionFailed, match="after 2 tries"):
        client.create_study(STUDY)
