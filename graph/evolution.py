"""Two periods side by side: what changed in the network and in its gaps.

Typical use: the year before and the year after the 2026 municipal elections. Each period is
analysed on its own (:func:`graph.analysis.analyse`); this module lines the results up:
gaps that opened, closed or persisted (with their severity then and now), and the metrics of
the nodes that matter most in either period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from graph.analysis import analyse
from graph.gaps import gap_key, sort_gaps
from graph.metrics import node_sort_key
from graph.rows import AnalysisSettings, InteractionRow, Territory

COMPARED_METRICS = (
    "degree",
    "strength",
    "betweenness",
    "closeness",
    "pagerank",
    "constraint",
    "effective_size",
)


def compare_periods(
    territory: Territory,
    interactions: Iterable[InteractionRow],
    *,
    before: tuple[datetime, datetime],
    after: tuple[datetime, datetime],
    settings: AnalysisSettings | None = None,
    backend: str = "auto",
    top: int = 10,
) -> dict:
    """Metrics and gaps of two windows, and what changed between them.

    Parameters
    ----------
    territory : Territory
    interactions : iterable of InteractionRow
        Covering both windows.
    before, after : (datetime, datetime)
        ``(since, until)`` of each period, timezone-aware.
    settings : AnalysisSettings, optional
    backend : {"auto", "igraph", "networkx"}
    top : int
        At each level, compare the ``top`` strongest nodes of either period.

    Returns
    -------
    dict
        ``{"before": {"window", "summary", "graph"}, "after": {...same...},
        "gaps": {"opened": [gap], "closed": [gap], "persisting": [gap + "severity_before"]},
        "metrics": {"person": [row], "institution": [row]}}`` where ``graph`` is ``{"person":
        {"nodes", "edges", "communities", "modularity", "sampled"}, "institution": {...}}``
        and a row is ``{"id", "label", "kind", "before": {metric: value}, "after": {...},
        "delta": {metric: after − before}, "community_before", "community_after"}``
        (``None`` where a node is absent from a period or a value undefined).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import InstitutionRow, MembershipRow, Territory
    >>> territory = Territory(1, (InstitutionRow(1, "PETR du Val", "petr"),
    ...                           InstitutionRow(2, "CC des Coteaux", "epci")),
    ...                       (MembershipRow(2, 1),), (), ())
    >>> utc = timezone.utc
    >>> change = compare_periods(
    ...     territory, [],
    ...     before=(datetime(2025, 1, 1, tzinfo=utc), datetime(2026, 1, 1, tzinfo=utc)),
    ...     after=(datetime(2026, 1, 1, tzinfo=utc), datetime(2027, 1, 1, tzinfo=utc)))
    >>> [g["kind"] for g in change["gaps"]["persisting"]]
    ['missing_liaison', 'unidentified_key_role', 'no_elected_bridge']
    """
    interactions = list(interactions)
    results = {}
    for name, (since, until) in (("before", before), ("after", after)):
        results[name] = analyse(
            territory, interactions, since=since, until=until, settings=settings, backend=backend
        )
    first, second = results["before"], results["after"]
    return {
        name: {
            "window": result["window"],
            "summary": result["summary"],
            "graph": {level: _graph_facts(result[level]) for level in ("person", "institution")},
        }
        for name, result in results.items()
    } | {
        "gaps": _gap_changes(first["gaps"], second["gaps"], territory.body_id),
        "metrics": {
            level: _metric_changes(first[level], second[level], top)
            for level in ("person", "institution")
        },
    }


def _graph_facts(metrics: dict) -> dict:
    meta = metrics["meta"]
    return {
        "nodes": meta["nodes"],
        "edges": meta["edges"],
        "communities": meta["communities"],
        "modularity": meta["modularity"],
        "sampled": meta["sampled"],
    }


def _gap_changes(before: list[dict], after: list[dict], body_id: int | None) -> dict:
    then = {gap_key(g): g for g in before}
    now = {gap_key(g): g for g in after}
    persisting = [
        {**gap, "severity_before": then[key]["severity"]} for key, gap in now.items() if key in then
    ]
    return {
        "opened": sort_gaps([g for k, g in now.items() if k not in then], body_id),
        "closed": sort_gaps([g for k, g in then.items() if k not in now], body_id),
        "persisting": sort_gaps(persisting, body_id),
    }


def _metric_changes(before: dict, after: dict, top: int) -> list[dict]:
    then = {row["id"]: row for row in before["nodes"]}
    now = {row["id"]: row for row in after["nodes"]}

    def strongest(rows: dict) -> list:
        ranked = sorted(
            (r for r in rows.values() if r["strength"]),
            key=lambda r: (-r["strength"], node_sort_key(r["id"])),
        )
        return [r["id"] for r in ranked[:top]]

    chosen = list(dict.fromkeys(strongest(now) + strongest(then)))
    rows = []
    for node in chosen:
        old, new = then.get(node), now.get(node)
        either = new or old
        values_then = {m: old[m] if old else None for m in COMPARED_METRICS}
        values_now = {m: new[m] if new else None for m in COMPARED_METRICS}
        rows.append(
            {
                "id": node,
                "label": either["label"],
                "kind": either["kind"],
                "before": values_then,
                "after": values_now,
                "delta": {
                    m: None
                    if values_then[m] is None or values_now[m] is None
                    else values_now[m] - values_then[m]
                    for m in COMPARED_METRICS
                },
                "community_before": old["community"] if old else None,
                "community_after": new["community"] if new else None,
            }
        )
    rows.sort(
        key=lambda r: (-(r["after"]["strength"] or 0.0), node_sort_key(r["id"]))
    )
    return rows
