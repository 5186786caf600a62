"""HTTP plumbing on the standard library: JSON requests with retries, and server-sent events."""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, Generator, Iterator, List, Mapping, Optional

from .errors import APIError, ConnectionFailed, InsecureTransport

#: Statuses worth another try: the server (or a proxy in front of it) is briefly unavailable.
RETRY_STATUSES = frozenset({502, 503, 504})
USER_AGENT = "paretopilot-python"


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class StreamIdle(ConnectionFailed):
    """An event stream sent nothing, not even a keep-alive, for the client's timeout."""


@dataclass
class Event:
    """One server-sent event: its ``id:``, ``event:`` name and ``data:`` text."""

    id: Optional[str]
    event: str
    data: str

    def json(self) -> Any:
        """The data decoded as JSON."""
        return json.loads(self.data) if self.data else None


class Transport:
    """Sends requests to one server, with a bearer token, timeouts and retries.

    Connection errors and 502/503/504 answers are retried `retries` times with exponential
    backoff (`backoff`, 2×`backoff`, ... seconds, at most 30 s). A request that may have reached
    the server is only sent again when it is idempotent (GET, and POSTs marked so, like tell);
    an answer 4xx is never retried.
    """

    def __init__(
        self,
        url: str,
        token: Optional[str],
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        insecure: bool = False,
        ca_file: Optional[str] = None,
    ) -> None:
        parsed = urllib.parse.urlsplit(url if "://" in url else f"http://{url}")
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"the server URL must be http(s)://HOST[:PORT], got {url!r}")
        if token and parsed.scheme == "http" and not insecure and not is_loopback(parsed.hostname):
            raise InsecureTransport(
                f"refusing to send a bearer token over plain http to {parsed.hostname}: anyone on the "
                "network could read it. Use https://, or pass insecure=True if the network is trusted."
            )
        self.base = f"{parsed.scheme}://{parsed.netloc}{parsed.path.rstrip('/')}"
        self.token = token
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        handlers: List[Any] = [urllib.request.ProxyHandler({})] if is_loopback(parsed.hostname) else []
        ca_file = ca_file or os.environ.get("PARETOPILOT_CA_FILE") or None
        if parsed.scheme == "https":
            # The server's certificate is verified against the system's CAs, or those of `ca_file`.
            try:
                context = ssl.create_default_context(cafile=ca_file)
            except (OSError, ssl.SSLError) as error:
                raise ValueError(f"cannot use the CA file {ca_file!r}: {error}") from error
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    # MARK: Requests

    def url(self, path: str, query: Optional[Mapping[str, Any]] = None) -> str:
        """The absolute URL of `path` with `query` parameters."""
        text = self.base + path
        if query:
            text += "?" + urllib.parse.urlencode({k: _query_value(v) for k, v in query.items() if v is not None})
        return text

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: Optional[Mapping[str, Any]] = None,
        idempotent: Optional[bool] = None,
    ) -> Any:
        """Sends one request and returns the decoded JSON answer (or its text)."""
        data = None if body is None else json.dumps(body, allow_nan=False).encode()
        retry_sent = method == "GET" if idempotent is None else idempotent
        with self._open(method, path, data, query, retry_sent, accept="application/json") as response:
            return _decode(response.read(), response.headers.get("Content-Type", ""))

    def events(self, path: str, query: Optional[Mapping[str, Any]] = None) -> Generator[Event, None, None]:
        """The server-sent events of a GET `path` until the server closes the stream.

        Comments (lines starting with ``:``, keep-alives) are skipped. A connection that drops
        midway raises :class:`ConnectionFailed` from the iterator, and one silent for `timeout`
        seconds :class:`StreamIdle` (the caller reconnects).
        """
        response = self._open("GET", path, None, query, True, accept="text/event-stream")
        try:
            yield from _parse_events(response)
        except socket.timeout as error:
            raise StreamIdle(f"the event stream {path} was silent for {self.timeout} s") from error
        except (OSError, http.client.HTTPException) as error:
            raise ConnectionFailed(f"the event stream {path} broke off: {error}") from error
        finally:
            response.close()

    def _open(
        self,
        method: str,
        path: str,
        data: Optional[bytes],
        query: Optional[Mapping[str, Any]],
        retry_sent: bool,
        accept: str,
    ) -> http.client.HTTPResponse:
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = self.url(path, query)
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                return self._opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as error:
                raw = error.read()
                error.close()
                if error.code in RETRY_STATUSES and attempt < self.retries:
                    attempt = self._sleep(attempt)
                    continue
                body = _decode(raw, error.headers.get("Content-Type", "") if error.headers else "")
                raise APIError.from_response(error.code, body, method, path, self.token) from None
            except (OSError, http.client.HTTPException) as error:
                reason = error.reason if isinstance(error, urllib.error.URLError) else error
                unsent = isinstance(reason, (ConnectionRefusedError, socket.gaierror))
                if (unsent or retry_sent) and attempt < self.retries:
                    attempt = self._sleep(attempt)
                    continue
                tries = f" after {attempt + 1} tries" if attempt else ""
                raise ConnectionFailed(
                    f"cannot reach the ParetoPilot server at {self.base}{tries}: {reason}"
                ) from error

    def _sleep(self, attempt: int) -> int:
        time.sleep(min(30.0, self.backoff * 2**attempt))
        return attempt + 1


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decode(raw: bytes, content_type: str) -> Any:
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type or text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def _parse_events(response: http.client.HTTPResponse) -> Iterator[Event]:
    """Parses a ``text/event-stream`` body line by line (the WHATWG rules, minus ``retry:``)."""
    fields: Dict[str, Any] = {"id": None, "event": "", "data": []}
    while True:
        raw = response.readline()
        if not raw:
            return
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if fields["data"] or fields["event"]:
                yield Event(fields["id"], fields["event"] or "message", "\n".join(fields["data"]))
            fields = {"id": fields["id"], "event": "", "data": []}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            fields["data"].append(value)
        elif name in ("id", "event"):
            fields[name] = value
