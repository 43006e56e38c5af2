"""Benchmark of map rendering: generation time, file size, time until drawn and still.

For each size, a synthetic territory (bench/synthetic.py) gives a person graph over one
year; the map is rendered by graph.render.render_map, written to a file, and opened from a
file:// URL in headless Debian Chromium with every network request blocked. "Drawn" is the
page's own clock (performance.now(), from navigation start) when the map sets
``window.maillageReady`` after its first complete drawing; "still" is then checked by
comparing node positions half a second later.

Run from the repository root, preferably niced on a shared machine::

    nice -n 10 .venv/bin/python -m bench.maps                  # 500, 3,000, 10,000 people
    nice -n 10 .venv/bin/python -m bench.maps --sizes 3000 --keep /tmp/maps

Targets (issue 5): a 3,000-person map generated in under 1 s, under 3 MB, drawn and still
within 3 s. Results are recorded in bench/README.md, section "Maps".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import UNTIL, synthetic_territory  # noqa: E402
from graph.build import person_graph  # noqa: E402
from graph.render import render_map  # noqa: E402
from tests.browser_support import CHROMIUM_ARGS, DEFAULT_CHROMIUM  # noqa: E402

INTERACTIONS_PER_PERSON = 4  # a year of logged exchanges: meetings, calls, coffees


def build_graph(people: int, *, interactions_per_person: int, seed: int = 7):
    """Person graph of a synthetic territory over its last year, with degree and strength."""
    territory, interactions = synthetic_territory(
        people, people * interactions_per_person, seed=seed
    )
    G = person_graph(territory, interactions, since=UNTIL - timedelta(days=365), until=UNTIL)
    strength = dict(G.degree(weight="weight"))
    for node, degree in G.degree():
        G.nodes[node]["degree"] = degree
        G.nodes[node]["strength"] = strength[node]
    return G


def render(G, people: int) -> str:
    return render_map(
        G,
        level="person",
        title=f"Benchmark : {people} acteurs",
        territory="Territoire synthétique",
        period=(UNTIL - timedelta(days=365), UNTIL),
        filters={"Thématiques": ["toutes"]},
        generated_at=datetime(2026, 1, 1, 9, 0),
        size_by="strength",
    )


def time_generation(G, people: int, repeat: int) -> tuple[float, str]:
    """Best of ``repeat`` render times (the least disturbed by other work), and the HTML."""
    times, html = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        html = render(G, people)
        times.append(time.perf_counter() - start)
    return min(times), html


def time_drawing(browser, path: Path, repeat: int) -> dict[str, float | bool | list]:
    """Median page time until drawn, whether it is still, and any problem seen."""
    drawn, still, problems = [], True, []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_offline(True)
        page_url = path.resolve().as_uri()

        def route(route, page_url=page_url):
            if route.request.url == page_url:
                route.continue_()
            else:
                problems.append(f"blocked {route.request.url}")
                route.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(page_url, timeout=600_000)
        # A selector, not wait_for_function: the map's CSP refuses Playwright's eval().
        page.wait_for_selector(
            "html[data-maillage-ready=true]", state="attached", timeout=600_000
        )
        drawn.append(page.evaluate("window.maillageReadyAt") / 1000)
        before = page.evaluate("JSON.stringify(maillageNetwork.getPositions())")
        page.wait_for_timeout(500)
        still = still and before == page.evaluate("JSON.stringify(maillageNetwork.getPositions())")
        context.close()
    return {"drawn": statistics.median(drawn), "still": still, "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 3000, 10000])
    parser.add_argument("--interactions-per-person", type=int, default=INTERACTIONS_PER_PERSON)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chromium", default=DEFAULT_CHROMIUM)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--keep", type=Path, help="directory where the maps are kept")
    args = parser.parse_args(argv)

    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="maillage-bench-") as directory:
            return run(args, Path(directory))
    args.keep.mkdir(parents=True, exist_ok=True)
    status = run(args, args.keep)
    print(f"maps kept in {args.keep}")
    return status


def run(args: argparse.Namespace, directory: Path) -> int:
    """Render, write and time one map per size; print one line each."""
    browser = playwright = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=list(CHROMIUM_ARGS)
        )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (other work slows the figures)")
    print(f"{'people':>7} {'edges':>8} {'generate':>9} {'size':>8} {'drawn':>7}  still")
    try:
        for people in args.sizes:
            G = build_graph(people, interactions_per_person=args.interactions_per_person)
            seconds, html = time_generation(G, people, args.repeat)
            path = directory / f"map-{people}.html"
            data = html.encode("utf-8")
            path.write_bytes(data)
            drawn = "-"
            still = "-"
            problems: list = []
            if browser is not None:
                result = time_drawing(browser, path, args.repeat)
                drawn = f"{result['drawn']:.2f} s"
                still = "yes" if result["still"] else "NO"
                problems = result["problems"]
            print(
                f"{people:>7} {G.number_of_edges():>8} {seconds:>7.2f} s "
                f"{len(data) / 1e6:>5.2f} MB {drawn:>7}  {still}",
                flush=True,
            )
            for problem in problems[:5]:
                print(f"        problem: {problem}")
    finally:
        if browser is not None:
            browser.close()
            playwright.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
