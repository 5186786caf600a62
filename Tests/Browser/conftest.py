"""The dashboard in a real headless browser, against real ``paretopilot serve`` and pilots.

Reuses the Python client's test harness (``clients/python/tests/_harness.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "clients" / "python" / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Service, find_binary  # noqa: E402
from cdp import Browser, find_chromium  # noqa: E402


@pytest.fixture(scope="session")
def paretopilot_bin() -> str:
    binary, why = find_binary()
    if binary is None:
        pytest.skip(why)
    return binary


@pytest.fixture
def service(paretopilot_bin: str, tmp_path: Path) -> Iterator[Service]:
    server = Service(paretopilot_bin, tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium: apt-get install chromium (CI installs it)")
    page = Browser(executable)
    try:
        yield page
    finally:
        page.close()
