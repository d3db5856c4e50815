#!/usr/bin/env python3
"""Web console benchmarks: its size on the wire and how long its pages take in a real browser,
each beside a baseline measured in the same run.

1. sizes: the JavaScript and CSS the console page loads, gzip as served (budgets from CONSOLE.md
   §4.9: JS <= 120 KB, CSS <= 15 KB).
2. page timings in Debian's Chromium (Playwright; a fresh browser context per load, so nothing is
   cached): an ended 3-node execution's page, navigation -> its phase and every node row shown
   (budget 500 ms), and a 1,000-node execution's Nodes tab, navigation -> the table holds its
   1,000 rows (the ones near the viewport drawn) and a row's side panel opened by a click (budget 1 s).
   Baseline for each: the same /api/v1 calls the page made, replayed without a browser (Python
   `requests`, one after the other, on a warm connection): what the page adds on top of its data.

Not a test: no pass/fail. Run: .venv/bin/python bench/console_bench.py [--binary build/src/flyte]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import grpc
import requests
from flyteidl.service import admin_pb2_grpc
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import (  # noqa: E402
    DOMAIN,
    PROJECT,
    REPO,
    register_true_task,
    register_workflow,
    run_execution,
    start_sandbox,
    stop_sandbox,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUNS = 5


def sizes(base: str) -> tuple[int, int]:
    """gzip bytes of the console's JS and CSS, as served to a browser that accepts gzip."""
    page = requests.get(f"{base}/console/", timeout=10).text
    total = {"js": 0, "css": 0}
    for asset in re.findall(r'(?:src|href)="(/console/assets/[^"]+\.(js|css))"', page):
        rsp = requests.get(base + asset[0], headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
        total[asset[1]] += len(rsp.raw.read(decode_content=False))
    return total["js"], total["css"]


def load(browser, url: str, rows: int) -> tuple[float, float, list[str]]:
    """Seconds from navigation to `rows` node rows shown, then to a row's panel open; the API
    calls the page made meanwhile."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    calls: list[str] = []
    page.on("request", lambda r: "/api/v1/" in r.url and calls.append(r.url))
    # Waits poll on every animation frame (Playwright's `expect` backs off to 1 s between looks).
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    # All `rows` in the table (its aria-rowcount counts the header row too) and its first rows
    # drawn: a long table draws only the rows near the viewport.
    page.wait_for_function(
        "(rows) => Number(document.querySelector('#nodes')?.getAttribute('aria-rowcount')) > rows"
        " && document.querySelector('#nodes tbody tr[data-node]')"
        " && document.querySelector('#execution-phase')?.textContent", arg=rows, polling="raf", timeout=60_000)
    shown = time.perf_counter() - t0
    # A click in the page (Playwright's own click first checks the row is visible, stable and
    # the one hit: ~1 s of its own over a 1,000-row table).
    page.evaluate("() => document.querySelector('#nodes tbody tr th a').click()")
    page.wait_for_function("() => document.querySelector('#node-panel')", polling="raf")
    interactive = time.perf_counter() - t0
    context.close()
    return shown, interactive, calls


def replay(session: requests.Session, calls: list[str]) -> float:
    t0 = time.perf_counter()
    for url in calls:
        session.get(url, timeout=60).raise_for_status()
    return time.perf_counter() - t0


def bench_page(browser, session, title: str, url: str, rows: int, budget_ms: int) -> None:
    loads = [load(browser, url, rows) for _ in range(RUNS)]
    shown = statistics.median(s for s, _, _ in loads)
    interactive = statistics.median(i for _, i, _ in loads)
    calls = loads[-1][2]
    replayed = statistics.median(replay(session, calls) for _ in range(RUNS))
    print(f"  {title}: data shown {shown * 1000:6.0f} ms, panel open {interactive * 1000:6.0f} ms "
          f"(budget {budget_ms} ms) | its {len(calls)} API calls without a browser: {replayed * 1000:6.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flyte-console-bench-") as tmp:
        root = Path(tmp)
        proc, port, _ = start_sandbox(args.binary.resolve(), root)
        base = f"http://localhost:{port}"
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = admin_pb2_grpc.AdminServiceStub(channel)
                task_id = register_true_task(stub)
                small = register_workflow(stub, "console.three", task_id, 3, chained=True)
                big = register_workflow(stub, "console.thousand", task_id, 1000, chained=False)
                for lp, name in ((small, "three"), (big, "thousand")):
                    done = run_execution(stub, lp, name, timeout=600)
                    assert done["error"] == "", done
            js, css = sizes(base)
            print(f"Web console ({args.binary}), {RUNS} loads each, medians")
            print(f"  sizes, gzip: JS {js / 1024:.1f} KB (budget 120 KB), CSS {css / 1024:.1f} KB (budget 15 KB)")
            executions = f"{base}/console/projects/{PROJECT}/domains/{DOMAIN}/executions"
            with sync_playwright() as playwright, requests.Session() as session:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                bench_page(browser, session, "3-node execution    ", f"{executions}/three", 3, 500)
                bench_page(browser, session, "1,000-node execution", f"{executions}/thousand", 1000, 1000)
                browser.close()
        finally:
            stop_sandbox(proc, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
