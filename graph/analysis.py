"""The full analysis of a territory for a window: metrics at both levels, and gaps.

One pass over the window's interactions feeds everything: person ties and institution
liaisons are aggregated once, turned into the compact graphs the metrics backend reads, and
shared with the gap checks (the person graph's igraph copy serves the metrics and the broker
analysis alike). The NetworkX graphs are not materialised here, since nothing in this
pipeline reads them; :func:`graph.build.graphs` builds them from the same aggregation for
maps, exports and path queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime

from graph.backends import WeightedGraph
from graph.build import institution_attributes, person_attributes
from graph.expected import expected_pairs
from graph.gaps import gaps_from, summary
from graph.gcpause import gc_paused
from graph.metrics import metrics_of
from graph.rows import AnalysisSettings, InteractionRow, Territory
from graph.ties import institution_liaisons, person_tie_weights, window_data


def analyse(
    territory: Territory,
    interactions: Iterable[InteractionRow],
    *,
    since: datetime,
    until: datetime,
    settings: AnalysisSettings | None = None,
    backend: str = "auto",
) -> dict:
    """Metrics of the person and institution graphs, and the gaps in liaison.

    Parameters
    ----------
    territory : Territory
    interactions : iterable of InteractionRow
        Those outside ``[since, until)`` are ignored.
    since, until : datetime
        Timezone-aware window bounds, ``until`` excluded.
    settings : AnalysisSettings, optional
        Thresholds, half-life, sampling and seed.
    backend : {"auto", "igraph", "networkx"}

    Returns
    -------
    dict
        ``{"window": {"since", "until"}, "settings": {...}, "person": <node_metrics result>,
        "institution": <node_metrics result>, "gaps": [...], "summary": {...}}``, where the
        metrics results are those of :func:`graph.metrics.node_metrics` and the gaps those
        of :func:`graph.gaps.find_gaps`.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import Territory
    >>> result = analyse(Territory(None, (), (), (), ()), [],
    ...                  since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                  until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> result["person"]["nodes"], result["gaps"], result["summary"]["total"]
    ([], [], 0)
    """
    settings = settings or AnalysisSettings()
    # Hundreds of thousands of small, acyclic allocations follow: see graph.gcpause.
    with gc_paused():
        return _analyse(territory, interactions, since, until, settings, backend)


def _analyse(territory, interactions, since, until, settings, backend) -> dict:
    data = window_data(
        territory,
        interactions,
        since=since,
        until=until,
        half_life_days=settings.half_life_days,
    )
    pairs = expected_pairs(territory, data.index.first_day, data.index.last_day)
    ties = person_tie_weights(data)
    liaisons = institution_liaisons(data, detail_for={pair.key for pair in pairs})

    people_attrs = person_attributes(data, ties)
    people = WeightedGraph.from_pairs(list(people_attrs), ties.keys(), ties.values())
    inst_attrs = institution_attributes(data, liaisons)
    institutions = WeightedGraph.from_pairs(
        list(inst_attrs), liaisons.keys(), [record[0] for record in liaisons.values()]
    )
    sampling = {
        "backend": backend,
        "sample_threshold": settings.sample_threshold,
        "sample_k": settings.sample_k,
        "seed": settings.seed,
    }
    gaps = gaps_from(data, liaisons, people, settings=settings, backend=backend)
    return {
        "window": {"since": since.isoformat(), "until": until.isoformat()},
        "settings": asdict(settings),
        "person": metrics_of(people, people_attrs, prune_below=settings.prune_below, **sampling),
        "institution": metrics_of(institutions, inst_attrs, **sampling),
        "gaps": gaps,
        "summary": summary(gaps),
    }
