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

from _harness import paretopilot_bin, service  # noqa: E402,F401 (fixtures)
from cdp import Browser, find_chromium  # noqa: E402


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
