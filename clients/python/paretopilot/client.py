"""The entry point: a connection to one ParetoPilot server."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional

from ._http import Transport
from .study import Study

__all__ = ["Client"]


class Client:
    """A connection to a ParetoPilot server (``paretopilot serve``).

    Args:
        url: the server, ``http://HOST:PORT`` (default: ``$PARETOPILOT_URL``).
        token: a bearer token (default: ``$PARETOPILOT_TOKEN``); a ``client`` token for one study
            or all, or an ``admin`` token.
        timeout: seconds to wait for each answer (and between events of a followed stream).
        retries: further tries after a connection error or a 502/503/504 answer, with exponential
            backoff from `backoff` seconds.
        insecure: allow sending the token over plain http to a host that is not this machine.
        ca_file: a PEM file of CA certificates to verify an https server against (default
            ``$PARETOPILOT_CA_FILE``, else the system's trust store).

    Example::

        client = Client("http://127.0.0.1:8080")
        study = client.create_study({...})
        for trial in study.ask(2):
            trial.tell({"f": 1.0})
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        insecure: bool = False,
        ca_file: Optional[str] = None,
    ) -> None:
        url = url or os.environ.get("PARETOPILOT_URL")
        if not url:
            raise ValueError("no server URL: pass Client(url) or set PARETOPILOT_URL")
        token = token if token is not None else os.environ.get("PARETOPILOT_TOKEN")
        self._transport = Transport(
            url, token, timeout=timeout, retries=retries, backoff=backoff, insecure=insecure, ca_file=ca_file
        )
        self.url = self._transport.base

    def __repr__(self) -> str:
        return f"Client({self.url!r})"

    def _request(self, method: str, path: str, body: Any = None, **options: Any) -> Any:
        return self._transport.request(method, path, body, **options)

    def health(self) -> Dict[str, Any]:
        """The server's health (``{"status": "ok"}``); needs no token."""
        return self._request("GET", "/health")

    def create_study(self, specification: Mapping[str, Any]) -> Study:
        """Creates a study from its specification (the study-file dict; see the README)."""
        summary = self._request("POST", "/v1/studies", dict(specification))
        return Study(self, summary["name"], summary)

    def study(self, name: str) -> Study:
        """The study named `name` (or with that id); :class:`~paretopilot.errors.NotFound` if none."""
        summary = Study(self, str(name)).summary()
        return Study(self, summary["name"], summary)

    def studies(self) -> List[Study]:
        """Every study the token may see (each with its summary counts in ``study._summary``)."""
        return [Study(self, s["name"], s) for s in self._request("GET", "/v1/studies")]

    def create_token(self, role: str, study: Optional[str] = None, name: Optional[str] = None) -> str:
        """A new token's secret (admin tokens only): `role` ``admin``, ``client`` or ``pilot``."""
        body: Dict[str, Any] = {"role": role}
        if study is not None:
            body["study"] = study
        if name is not None:
            body["name"] = name
        return self._request("POST", "/v1/tokens", body)["token"]
