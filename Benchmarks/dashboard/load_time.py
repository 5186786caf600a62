#!/usr/bin/env python3
"""Time the dashboard of a big study in headless Chromium: `paretopilot dashboard FILE` on loopback.

    python3 Benchmarks/dashboard/load_time.py --binary .build/release/paretopilot --db big.sqlite --study NAME

Prints one JSON line: the study's size, the time from navigation to the page's first full draw
(`document.body.dataset.ready == "study"`), and the time of a redraw (as after a new result).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Browser"))
from cdp import Browser, find_chromium  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    server = subprocess.Popen([args.binary, "dashboard", args.db], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = line.split()[-1]
        browser = Browser(find_chromium())
        try:
            loads, redraws = [], []
            for _ in range(args.repeats):
                browser.call("Page.navigate", url="about:blank")
                start = time.monotonic()
                browser.call("Page.navigate", url=url.replace("#token=", f"#study={args.study}&token=", 1))
                browser.wait_for("document.body.dataset.ready === 'study'", timeout=120)
                loads.append(time.monotonic() - start)
                start = time.monotonic()
                browser.evaluate("refresh().then(() => { document.body.dataset.redrawn = 'yes'; })")
                browser.wait_for("document.body.dataset.redrawn === 'yes'", timeout=120)
                browser.evaluate("delete document.body.dataset.redrawn")
                redraws.append(time.monotonic() - start)
                url = url  # the token stays in sessionStorage; the fragment carries it again anyway
            points = browser.evaluate("document.getElementById('front').dataset.points")
            print(json.dumps({
                "study": args.study, "points": int(points), "load_s": sorted(loads)[len(loads) // 2],
                "redraw_s": sorted(redraws)[len(redraws) // 2], "errors": browser.errors,
            }))
        finally:
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
