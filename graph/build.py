"""Build the person graph and the institution graph of a territory for a window.

NetworkX graphs are the model every other part of ``graph/`` (paths, maps, exports) reads.
Ties are aggregated first (:mod:`graph.ties`) and handed to NetworkX in one
``add_edges_from`` call: at 125,000 ties that is several times faster than growing the graph
edge by edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import chain

import networkx as nx

from graph.gcpause import gc_paused
from graph.rows import InteractionRow, Territory
from graph.ties import WindowData, institution_liaisons, person_ties, window_data

UNKNOWN_KIND = "other"


def person_graph(
    territory: Territory,
    interactions: Iterable[InteractionRow],
    *,
    since: datetime,
    until: datetime,
    half_life_days: float | None = None,
) -> nx.Graph:
    """Weighted graph of who talked to whom in ``[since, until)``.

    Parameters
    ----------
    territory : Territory
        People and their affiliations (for node attributes).
    interactions : iterable of InteractionRow
        Interactions outside the window are ignored.
    since, until : datetime
        Timezone-aware bounds of the window, ``until`` excluded.
    half_life_days : float, optional
        If given, an interaction's contribution halves every ``half_life_days`` of age.

    Returns
    -------
    networkx.Graph
        One node per person of the territory (and per unknown participant), with attributes
        ``label``, ``kind`` (kind of the main institution), ``institutions`` (ids affiliated
        during the window), ``main_institution`` and ``title``. Edge attributes: ``weight``
        (sum of 1/(n−1), decayed), ``count``, ``informal_count``, ``first`` and ``last``
        (datetimes of the first and last shared interaction). Graph attributes: ``level``,
        ``since``, ``until``, ``half_life_days``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import InteractionRow, PersonRow, Territory
    >>> t0 = datetime(2025, 3, 1, 9, tzinfo=timezone.utc)
    >>> people = (PersonRow(1, "Anne"), PersonRow(2, "Bruno"), PersonRow(3, "Chloé"))
    >>> territory = Territory(None, (), (), people, ())
    >>> rows = [
    ...     InteractionRow(1, t0, "informal", False, (1, 2)),
    ...     InteractionRow(2, t0, "meeting", True, (1, 2, 3)),
    ... ]
    >>> G = person_graph(territory, rows, since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                  until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> G[1][2]["weight"], G[1][2]["count"], G[1][3]["weight"]
    (1.5, 2, 0.5)
    """
    data = window_data(
        territory, interactions, since=since, until=until, half_life_days=half_life_days
    )
    return person_graph_from(data, person_ties(data))


def institution_graph(
    territory: Territory,
    interactions: Iterable[InteractionRow],
    *,
    since: datetime,
    until: datetime,
    half_life_days: float | None = None,
) -> nx.Graph:
    """Weighted graph of liaisons between institutions in ``[since, until)``.

    An interaction links institutions A and B when one participant represented A and
    another one B on the day it took place (a person wearing both hats alone does not link
    them), or when a body took part without a known person (``institution_ids``).

    Parameters
    ----------
    territory : Territory
    interactions : iterable of InteractionRow
    since, until : datetime
        Timezone-aware bounds of the window, ``until`` excluded.
    half_life_days : float, optional
        If given, an interaction's contribution halves every ``half_life_days`` of age.

    Returns
    -------
    networkx.Graph
        One node per institution (``label``, ``kind``, ``subtype``, ``siren``). Edge
        attributes: ``weight`` (linking interactions, decayed), ``count``,
        ``informal_count``, ``first``, ``last``, ``carriers`` (``{institution_id: {person_id:
        interactions}}``: who carried each side) and ``interactions`` (ids, in time order).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import (AffiliationRow, InstitutionRow, InteractionRow, PersonRow,
    ...                         Territory)
    >>> t0 = datetime(2025, 3, 1, 9, tzinfo=timezone.utc)
    >>> territory = Territory(
    ...     body_id=1,
    ...     institutions=(InstitutionRow(1, "PETR du Val", "petr"),
    ...                   InstitutionRow(2, "CC des Coteaux", "epci")),
    ...     memberships=(),
    ...     people=(PersonRow(10, "Anne"), PersonRow(20, "Bruno")),
    ...     affiliations=(AffiliationRow(10, 1, "executive", "Directrice"),
    ...                   AffiliationRow(20, 2, "executive", "DGS")),
    ... )
    >>> G = institution_graph(territory, [InteractionRow(1, t0, "call", True, (10, 20))],
    ...                       since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                       until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> G[1][2]["count"], G[1][2]["carriers"]
    (1, {1: {10: 1}, 2: {20: 1}})
    """
    data = window_data(
        territory, interactions, since=since, until=until, half_life_days=half_life_days
    )
    return institution_graph_from(data, institution_liaisons(data))


def person_graph_from(data: WindowData, ties: dict[tuple[int, int], list]) -> nx.Graph:
    """The person graph of :func:`person_graph` from already aggregated ties."""
    G = nx.Graph(
        level="person", since=data.since, until=data.until, half_life_days=data.half_life_days
    )
    G.add_nodes_from(person_attributes(data, ties).items())
    with gc_paused():
        G.add_edges_from(
            (u, v, {"weight": w, "count": c, "informal_count": i, "first": f, "last": la})
            for (u, v), (w, c, i, f, la) in ties.items()
        )
    return G


def person_attributes(data: WindowData, ties: Iterable[tuple[int, int]]) -> dict[int, dict]:
    """Node attributes of the person graph, in node order: the territory's people by id, then
    participants the territory does not describe (labelled ``#id``). ``ties`` are the
    aggregated ties (or just their ``(u, v)`` keys)."""
    index = data.index
    kinds = {row.id: row.kind for row in data.territory.institutions}
    attributes: dict[int, dict] = {}
    for person in sorted(data.territory.people, key=lambda p: p.id):
        main = index.main_affiliation(person.id)
        attributes[person.id] = {
            "label": person.name,
            "kind": kinds.get(main.institution_id, UNKNOWN_KIND) if main else UNKNOWN_KIND,
            "institutions": index.institutions_during(person.id),
            "main_institution": main.institution_id if main else None,
            "title": main.title if main else None,
        }
    for person_id in sorted(set(chain.from_iterable(ties)) - attributes.keys()):
        attributes[person_id] = {
            "label": f"#{person_id}",
            "kind": UNKNOWN_KIND,
            "institutions": (),
            "main_institution": None,
            "title": None,
        }
    return attributes


def institution_graph_from(data: WindowData, liaisons: dict[tuple[int, int], list]) -> nx.Graph:
    """The institution graph of :func:`institution_graph` from already aggregated liaisons."""
    G = nx.Graph(
        level="institution",
        since=data.since,
        until=data.until,
        half_life_days=data.half_life_days,
        # Carriers are person ids; their names let a reader say "through whom".
        person_labels={row.id: row.name for row in data.territory.people},
    )
    G.add_nodes_from(institution_attributes(data, liaisons).items())
    G.add_edges_from(
        (
            a,
            b,
            {
                "weight": w,
                "count": c,
                "informal_count": i,
                "first": f,
                "last": la,
                "carriers": {a: low, b: high},
                "interactions": ids,
            },
        )
        for (a, b), (w, c, i, f, la, low, high, ids) in liaisons.items()
    )
    return G


def institution_attributes(
    data: WindowData, liaisons: dict[tuple[int, int], list]
) -> dict[int, dict]:
    """Node attributes of the institution graph, in node order: the territory's institutions
    by id, then bodies the territory does not describe (labelled ``#id``)."""
    attributes = {
        inst.id: {
            "label": inst.name,
            "kind": inst.kind,
            "subtype": inst.subtype,
            "siren": inst.siren,
        }
        for inst in sorted(data.territory.institutions, key=lambda i: i.id)
    }
    for inst_id in sorted(set(chain.from_iterable(liaisons)) - attributes.keys()):
        attributes[inst_id] = {
            "label": f"#{inst_id}",
            "kind": UNKNOWN_KIND,
            "subtype": None,
            "siren": None,
        }
    return attributes


def graphs(
    territory: Territory,
    interactions: Iterable[InteractionRow],
    *,
    since: datetime,
    until: datetime,
    half_life_days: float | None = None,
) -> tuple[nx.Graph, nx.Graph]:
    """Both graphs, person then institution, from one pass over the window.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import Territory
    >>> P, I = graphs(Territory(None, (), (), (), ()), [],
    ...               since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...               until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> P.graph["level"], I.graph["level"], len(P), len(I)
    ('person', 'institution', 0, 0)
    """
    data = window_data(
        territory, interactions, since=since, until=until, half_life_days=half_life_days
    )
    return (
        person_graph_from(data, person_ties(data)),
        institution_graph_from(data, institution_liaisons(data)),
    )
