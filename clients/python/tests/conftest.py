"""Fixtures: a real ``paretopilot serve`` per test (temp database, free loopback port) and pilots.

Every process started here is stopped at teardown. Without a binary every test that needs the
server is skipped, with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from _harness import Service, find_binary


@pytest.fixture(scope="session")
def paretopilot_bin() -> str:
    binary, why = find_binary()
    if binary is None:
        pytest.skip(why)
    return binary


@pytest.fixture
def service(paretopilot_bin: str, tmp_path: Path) -> Iterator[Service]:
    """A running server with an admin token; ``service.pilot()`` starts pilots against it."""
    server = Service(paretopilot_bin, tmp_path).start()
    try:
        yield server
    finally:
        server.stop()
