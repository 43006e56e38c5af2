"""The full pipeline gives the same numbers as the public functions it is made of."""

from datetime import timedelta

import pytest

from bench.synthetic import UNTIL, synthetic_territory
from graph.analysis import analyse
from graph.build import graphs
from graph.gaps import find_gaps
from graph.metrics import node_metrics
from graph.rows import AnalysisSettings

SINCE = UNTIL - timedelta(days=365)


@pytest.fixture(scope="module")
def small():
    return synthetic_territory(150, 1500, seed=3)


def test_analyse_matches_graphs_metrics_and_gaps(small):
    territory, rows = small
    settings = AnalysisSettings(sample_threshold=100, sample_k=40)
    result = analyse(territory, rows, since=SINCE, until=UNTIL, settings=settings)
    people, institutions = graphs(territory, rows, since=SINCE, until=UNTIL)
    options = {"sample_threshold": 100, "sample_k": 40, "seed": 42}
    # Equal up to the last bit of float sums, which depend on edge order.
    assert result["person"] == approx_metrics(node_metrics(people, **options))
    assert result["institution"] == approx_metrics(node_metrics(institutions, **options))
    assert result["gaps"] == find_gaps(territory, rows, since=SINCE, until=UNTIL, settings=settings)
    assert result["person"]["meta"]["sampled"] is True
    assert result["window"] == {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}


def approx_metrics(result):
    """The same result with every float compared approximately."""
    return {
        "meta": {**result["meta"], "modularity": pytest.approx(result["meta"]["modularity"])},
        "nodes": [
            {k: pytest.approx(v) if isinstance(v, float) else v for k, v in row.items()}
            for row in result["nodes"]
        ],
        "communities": result["communities"],
    }


def test_both_backends_agree_on_a_whole_territory():
    # Small: NetworkX's pure-Python constraint is cubic in the degree.
    territory, rows = synthetic_territory(60, 300, seed=5)
    fast = analyse(territory, rows, since=SINCE, until=UNTIL, backend="igraph")
    reference = analyse(territory, rows, since=SINCE, until=UNTIL, backend="networkx")
    assert fast["gaps"] == reference["gaps"]
    for a, b in zip(fast["person"]["nodes"], reference["person"]["nodes"]):
        for metric in ("degree", "strength", "constraint", "effective_size"):
            assert a[metric] == (None if b[metric] is None else pytest.approx(b[metric], rel=1e-9))
        assert a["pagerank"] == pytest.approx(b["pagerank"], rel=1e-5)
        assert a["betweenness"] == pytest.approx(b["betweenness"], rel=1e-6, abs=1e-12)
        assert a["closeness"] == pytest.approx(b["closeness"], rel=1e-9)


def test_planted_gaps_of_the_synthetic_territory_are_found():
    territory, rows = synthetic_territory(150, 1500, seed=3)
    petr = territory.body_id
    member = next(m.member_id for m in territory.memberships if m.group_id == petr)
    cut = [r for r in rows if not _links(territory, r, petr, member)]
    kinds = {
        g["kind"]
        for g in find_gaps(territory, cut, since=SINCE, until=UNTIL)
        if member in [i["id"] for i in g["institutions"]]
    }
    assert "missing_liaison" in kinds


def _links(territory, row, a, b):
    home = {}
    for aff in territory.affiliations:
        home.setdefault(aff.person_id, set()).add(aff.institution_id)
    present = [home.get(p, set()) for p in row.person_ids]
    return any(a in s for s in present) and any(b in s for s in present)


def test_pruning_weak_ties_is_a_setting_and_is_reported(small):
    territory, rows = small
    settings = AnalysisSettings(prune_below=0.3)
    meta = analyse(territory, rows, since=SINCE, until=UNTIL, settings=settings)["person"]["meta"]
    assert meta["pruned_below"] == 0.3 and meta["pruned_edges"] > 0
