"""Benchmark: full territory analysis against igraph alone for the same metric set.

Run from the repository root (the machine has 2 cores shared with other work: be nice)::

    nice .venv/bin/python bench/analysis.py            # 3,000 / 50,000 and 30,000 / 500,000
    nice .venv/bin/python bench/analysis.py --small    # only the territory-sized one

For each synthetic territory (bench/synthetic.py) it prints:

- full analysis: :func:`graph.analysis.analyse` from the interaction rows — aggregation of
  person ties and institution liaisons, every metric at both levels, every gap;
- igraph alone: the same metric set computed by direct igraph calls on graphs built from
  the already aggregated weighted edge lists (so it excludes aggregation and gaps): degree,
  strength, sampled betweenness, closeness estimated from the same sources, PageRank,
  constraint, local clustering (for effective size), Louvain — at both levels;
- the ratio of the two, a breakdown of the full analysis, and the process's peak memory.

Timings are medians of ``--repeat`` runs after one warm-up run; peak memory is the peak
resident set size of the whole process (rows and graphs included), read after each size.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import igraph as ig  # noqa: E402
import networkx as nx  # noqa: E402

import graph.backends  # noqa: E402,F401  (sets OMP_WAIT_POLICY before igraph loads)
from bench.synthetic import UNTIL, synthetic_territory  # noqa: E402
from graph.analysis import analyse  # noqa: E402
from graph.build import institution_attributes, person_attributes  # noqa: E402
from graph.gcpause import gc_paused  # noqa: E402
from graph.rows import AnalysisSettings  # noqa: E402
from graph.ties import institution_liaisons, person_tie_weights, window_data  # noqa: E402

SIZES = {"territory": (3_000, 50_000), "large": (30_000, 500_000)}
SINCE = UNTIL - timedelta(days=365)


def igraph_alone(edge_lists: list[tuple[int, list, list]], settings: AnalysisSettings) -> float:
    """Seconds igraph needs for the metric set, from aggregated (n, edges, weights)."""
    started = time.perf_counter()
    for n, edges, weights in edge_lists:
        g = ig.Graph(n=n, edges=edges)
        distance = [1.0 / w for w in weights]
        g.degree()
        g.strength(weights=weights)
        g.pagerank(weights=weights)
        g.constraint(weights=weights)
        g.transitivity_local_undirected(mode="zero")
        ig.set_random_number_generator(random.Random(settings.seed))
        g.community_multilevel(weights=weights)
        ig.set_random_number_generator(random)
        if n > settings.sample_threshold:
            sources = random.Random(settings.seed).sample(range(n), settings.sample_k)
            g.betweenness(directed=False, weights=distance, sources=sources)
            for component in g.connected_components():  # closeness: mean distance to sources
                members = set(component)
                pivots = [s for s in sources if s in members]
                if len(component) > settings.sample_threshold and len(pivots) > 1:
                    rows = g.distances(source=pivots, target=component, weights=distance)
                    [sum(column) for column in zip(*rows)]
                else:
                    g.closeness(vertices=component, weights=distance)
        else:
            g.betweenness(directed=False, weights=distance)
            g.closeness(weights=distance)
    return time.perf_counter() - started


def aggregated_edge_lists(territory, rows) -> list[tuple[int, list, list]]:
    """The weighted edge lists of both levels, as igraph alone would be handed them."""
    data = window_data(territory, rows, since=SINCE, until=UNTIL)
    lists = []
    liaisons = institution_liaisons(data, detail_for=set())
    for attributes, ties in (
        (person_attributes, person_tie_weights(data)),
        (institution_attributes, {pair: r[0] for pair, r in liaisons.items()}),
    ):
        position = {node: i for i, node in enumerate(attributes(data, ties))}
        edges = [(position[u], position[v]) for u, v in ties]
        lists.append((len(position), edges, list(ties.values())))
    return lists


def breakdown(territory, rows, settings) -> dict[str, float]:
    """Where the full analysis spends its time (one run, stage by stage)."""
    from graph import gaps as gaps_module
    from graph import metrics as metrics_module
    from graph.backends import WeightedGraph
    from graph.expected import expected_pairs

    marks = {}
    paused = gc_paused()  # as analyse() does
    paused.__enter__()
    t = time.perf_counter()
    data = window_data(territory, rows, since=SINCE, until=UNTIL)
    pairs = expected_pairs(territory, data.index.first_day, data.index.last_day)
    ties = person_tie_weights(data)
    liaisons = institution_liaisons(data, detail_for={p.key for p in pairs})
    people_attrs = person_attributes(data, ties)
    people = WeightedGraph.from_pairs(list(people_attrs), ties.keys(), ties.values())
    inst_attrs = institution_attributes(data, liaisons)
    institutions = WeightedGraph.from_pairs(
        list(inst_attrs), liaisons.keys(), [r[0] for r in liaisons.values()]
    )
    marks["aggregation"] = time.perf_counter() - t
    t = time.perf_counter()
    options = {
        "sample_threshold": settings.sample_threshold,
        "sample_k": settings.sample_k,
        "seed": settings.seed,
    }
    metrics_module.metrics_of(people, people_attrs, **options)
    metrics_module.metrics_of(institutions, inst_attrs, **options)
    marks["metrics"] = time.perf_counter() - t
    t = time.perf_counter()
    gaps_module.gaps_from(data, liaisons, people, settings=settings)
    marks["gaps"] = time.perf_counter() - t
    paused.__exit__(None, None, None)
    return marks


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(name: str, people: int, interactions: int, repeat: int) -> dict:
    started = time.perf_counter()
    territory, rows = synthetic_territory(people, interactions)
    generated = time.perf_counter() - started
    rss_data = peak_rss_mb()
    settings = AnalysisSettings()

    analyse(territory, rows, since=SINCE, until=UNTIL, settings=settings)  # warm-up
    full_times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = analyse(territory, rows, since=SINCE, until=UNTIL, settings=settings)
        full_times.append(time.perf_counter() - t)
    rss_full = peak_rss_mb()

    lists = aggregated_edge_lists(territory, rows)
    igraph_alone(lists, settings)  # warm-up
    alone_times = [igraph_alone(lists, settings) for _ in range(repeat)]
    stages = breakdown(territory, rows, settings)
    full, alone = statistics.median(full_times), statistics.median(alone_times)
    meta = result["person"]["meta"]
    print(
        f"\n## {name}: {people:,} people, {interactions:,} interactions "
        f"(generated in {generated:.1f} s)\n"
        f"person graph {meta['nodes']:,} nodes / {meta['edges']:,} ties; institution graph "
        f"{result['institution']['meta']['nodes']:,} / {result['institution']['meta']['edges']:,}; "
        f"sampled={meta['sampled']} k={meta['k']}; gaps={result['summary']['total']}\n"
        f"full analysis (median of {repeat}): {full:.2f} s   "
        f"[runs: {', '.join(f'{x:.2f}' for x in full_times)}]\n"
        f"igraph alone, same metric set:  {alone:.2f} s   "
        f"[runs: {', '.join(f'{x:.2f}' for x in alone_times)}]\n"
        f"ratio full / igraph alone: {full / alone:.2f}\n"
        f"breakdown: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items())
        + f"\npeak RSS: {rss_data:.0f} MB with the rows loaded, {rss_full:.0f} MB after analysis"
    )
    return {"full": full, "alone": alone, "rss": rss_full}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.system()} "
        f"{platform.machine()}, {cpu}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, networkx {nx.__version__}, igraph {ig.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="only the 3,000-people territory")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per size (median)")
    args = parser.parse_args()
    print(f"# Analysis benchmark — {machine()}")
    run("territory", *SIZES["territory"], repeat=args.repeat)
    if not args.small:
        run("large", *SIZES["large"], repeat=max(1, args.repeat // 3))


if __name__ == "__main__":
    main()
