"""Fixtures: a real ``paretopilot serve`` per test (temp database, free loopback port) and pilots.

Every process started here is stopped at teardown. Without a binary every test that needs the
server is skipped, with the reason. The fixtures live in ``_harness.py``, which the dashboard's
browser suite shares.
"""

from _harness import paretopilot_bin, service, tls_service  # noqa: F401 (fixtures)
