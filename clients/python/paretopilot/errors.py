"""Exceptions raised by the ParetoPilot client.

Every answer of the server that is not a success becomes an :class:`APIError` (or one of its
subclasses) carrying the HTTP status and the server's JSON error body
``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

__all__ = [
    "ParetoPilotError",
    "APIError",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "Conflict",
    "ConnectionFailed",
    "InsecureTransport",
    "describe_token",
]


class ParetoPilotError(Exception):
    """Base class of every error of this package."""


class APIError(ParetoPilotError):
    """The server answered with an error status.

    Attributes:
        status: the HTTP status code (400, 404, 422, ...).
        code: the server's machine-readable code (``bad_request``, ``invalid_value``, ...).
        message: the server's explanation.
        field: the request field at fault, when the server names one.
        method, path: the request that failed.
    """

    def __init__(
        self,
        status: int,
        code: Optional[str],
        message: str,
        field: Optional[str] = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.method = method
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        where = f" ({self.method} {self.path})" if self.method else ""
        field = f" [field: {self.field}]" if self.field else ""
        return f"{self.status} {self.code or 'error'}: {self.message}{field}{where}"

    @classmethod
    def from_response(
        cls,
        status: int,
        body: Any,
        method: str = "",
        path: str = "",
        token: Optional[str] = None,
    ) -> "APIError":
        """The error for an answer with `status` and decoded JSON `body` (or raw text)."""
        code: Optional[str] = None
        field: Optional[str] = None
        message = body if isinstance(body, str) and body else f"HTTP {status}"
        if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
            error = body["error"]
            code = error.get("code")
            message = str(error.get("message", message))
            field = error.get("field")
        if status == 401:
            message = (
                f"{message}; the server did not accept {describe_token(token)}: check PARETOPILOT_TOKEN "
                "or Client(token=...), and that the token was made for this server, with the role "
                "(client or admin) and the study the request needs"
            )
            return AuthenticationError(status, code, message, field, method, path)
        if status == 403:
            message = (
                f"{message}; {describe_token(token)} lacks the permission: its role "
                "(admin, client or pilot) or the study it is bound to may be wrong"
            )
            return PermissionDenied(status, code, message, field, method, path)
        kind = {404: NotFound, 409: Conflict}.get(status, APIError)
        return kind(status, code, message, field, method, path)


class AuthenticationError(APIError):
    """401: no token, or a token the server does not know."""


class PermissionDenied(APIError):
    """403: the token's role or study does not allow the request."""


class NotFound(APIError):
    """404: no such study, trial, job or route."""


class Conflict(APIError):
    """409: the request contradicts the study's state (a different result for a finished trial, ...)."""


class ConnectionFailed(ParetoPilotError):
    """The server could not be reached (after the client's retries)."""


class InsecureTransport(ParetoPilotError, ValueError):
    """A bearer token would travel over plain http to a host that is not this machine."""


def describe_token(token: Optional[str]) -> str:
    """A token named safely for messages: its first 6 characters and an ellipsis, or "no token"."""
    if not token:
        return "no token"
    return f"token '{token[:6]}…'"
