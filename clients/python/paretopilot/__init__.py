"""ParetoPilot's Python client: studies, ask/tell and results over the service's HTTP API.

Quick start::

    import paretopilot
    client = paretopilot.Client("http://127.0.0.1:8080")   # token from $PARETOPILOT_TOKEN
    study = client.create_study({...})                       # a study-file dict
    for trial in study.ask(2):
        trial.tell({"resolution": 0.01, "cost": 12.0})
    df = study.trials_dataframe()                            # the CSV export's table

Only the standard library is needed; pandas for ``trials_dataframe()``.
"""

from .client import Client
from .errors import (
    APIError,
    AuthenticationError,
    Conflict,
    ConnectionFailed,
    InsecureTransport,
    NotFound,
    ParetoPilotError,
    PermissionDenied,
)
from .objective import objective
from .study import Study, Trial

__version__ = "0.1.0"

__all__ = [
    "Client",
    "Study",
    "Trial",
    "objective",
    "ParetoPilotError",
    "APIError",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "Conflict",
    "ConnectionFailed",
    "InsecureTransport",
]
