"""https: the client verifies the server against a CA file (or the system's), pilots too."""

from __future__ import annotations

import pytest
from _harness import create_asktell_study

import paretopilot


def test_https_with_the_servers_ca_works_and_without_it_is_refused(tls_service):
    assert tls_service.url.startswith("https://127.0.0.1:")
    client = tls_service.client(ca_file=str(tls_service.ca_file))
    assert client.health()["status"] == "ok"
    study = create_asktell_study(
        client,
        {
            "name": "tls",
            "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
            "objectives": [{"name": "f"}],
        },
    )
    trial = study.ask(1)[0]
    trial.tell({"f": 1.0})
    assert study.summary()["completed"] == 1
    # The system's trust store does not know the test's CA: the handshake fails, nothing is sent.
    with pytest.raises(paretopilot.ConnectionFailed) as caught:
        tls_service.client(retries=0).studies()
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value) or "certificate" in str(caught.value).lower()
    with pytest.raises(ValueError, match="CA file"):
        tls_service.client(ca_file=str(tls_service.directory / "missing.pem"))


def test_pilot_with_ca_file_runs_a_study_over_https(tls_service):
    client = tls_service.client(ca_file=str(tls_service.ca_file))
    client.create_study(
        {
            "name": "tls-pilot",
            "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
            "objectives": [{"name": "f"}],
            "evaluator": {"command": "echo '{\"f\": 1}'"},
            "strategy": "sobol",
            "budget": 3,
        }
    )
    tls_service.pilot(2, 3, "--ca-file", str(tls_service.ca_file))
    study = client.study("tls-pilot")
    summary = study.wait(timeout=60)
    assert summary["completed"] == 3
