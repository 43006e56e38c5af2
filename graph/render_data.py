"""The data a map page draws, built from a networkx graph (JSON-ready, column-wise).

The page receives columns (one list per attribute) rather than one object per node or edge,
and edge tooltips are assembled in the page from those columns: a 3,000-person map has
40,000 edges, and repeating keys and tooltip sentences for each would double the file. The
French texts that depend on data (node tooltips, weights, dates) are still written here, in
Python, by graph/render_french.py; the page only joins them into fixed sentences.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import date, datetime
from numbers import Real
from typing import Any

import networkx as nx

from graph.layout import force_positions, layered_positions
from graph.render_french import french_date, french_number, french_value
from graph.render_style import (
    ECHELON_LABELS,
    EDGE_COLOR,
    KIND_BY_KEY,
    KIND_STYLES,
    METRIC_LABELS,
    WARNING_STYLES,
    kind_key,
    scale_linear_sqrt,
)

__all__ = ["PHYSICS_MAX_NODES", "map_data", "vis_options", "warning_legend"]

# Up to this many nodes the page settles the layout itself (tuned physics, then frozen);
# above, positions come from graph/layout.py and physics stays off (see notes/pyvis.md).
PHYSICS_MAX_NODES = 300

# Horizontal distance between neighbours in the hierarchical view (graph/layout.py).
BAND_SPACING = 120.0

# From this size, interaction is lightened (see vis_options).
LARGE_NODES = 1000
LARGE_EDGES = 10_000

NODE_SIZE = (8.0, 40.0)  # pixels, smallest and largest node when sized by a metric
NODE_SIZE_DEFAULT = 14.0
EDGE_WIDTH = (1.0, 8.0)
EDGE_WIDTH_DEFAULT = 1.5
WARNING_EDGE_WIDTH = 2.5

_KIND_INDEX = {style.key: i for i, style in enumerate(KIND_STYLES)}
_WARNING_INDEX = {style.key: i for i, style in enumerate(WARNING_STYLES)}


def map_data(
    G: nx.Graph,
    *,
    size_by: str | None,
    warning_edges: Iterable[Mapping[str, Any]],
    layout: str,
    seed: int,
    physics_max_nodes: int = PHYSICS_MAX_NODES,
) -> dict[str, Any]:
    """Return the JSON-ready drawing data of a map (see graph/templates/map.js).

    Parameters are those of :func:`graph.render.render_map`; ``G`` is only read.

    Returns
    -------
    dict
        ``nodes`` and ``edges`` (column lists; nodes are referred to by their index in
        ``G.nodes`` order), ``texts`` (``dates`` and ``weights``: French texts referred to
        by index from the edge columns ``last`` and ``weight``), ``warnings``,
        ``kinds`` and ``warningStyles`` (palettes), ``bands`` (titles of the hierarchical
        view), ``physics`` (whether the page settles the layout) and ``options`` (the
        vis-network options).
    """
    nodes = list(G.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    node_columns = _node_columns(G, nodes, size_by)
    edge_columns, texts = _edge_columns(G, index)
    warnings = _warnings(G, warning_edges, index)

    bands: list[dict[str, Any]] = []
    physics = False
    if layout == "hierarchical":
        rank = {n: KIND_BY_KEY[kind_key(G.nodes[n].get("kind"))].echelon for n in nodes}
        layers = layered_positions(G, rank, spacing=BAND_SPACING)
        positions = layers.positions
        # Band titles are drawn on the canvas, above each band's first row and inside the
        # fitted view. They zoom with the map: scaled with its width so as to stay readable
        # when a wide map is fitted to the screen, but never taller than the gap between
        # bands.
        width = max((x for x, _ in positions.values()), default=0.0) - layers.left
        font_size = round(min(max(22.0, width / 60), BAND_SPACING * 0.7), 1)
        bands = [
            {"label": ECHELON_LABELS[r], "x": layers.left, "y": y - BAND_SPACING * 0.75,
             "size": font_size}
            for r, y in layers.band_tops.items()
        ]
    elif len(nodes) > physics_max_nodes:
        positions = force_positions(G, seed=seed)
    else:
        # An empty network never reports a finished stabilization: nothing to settle.
        positions, physics = {}, bool(nodes)
    if positions:
        node_columns["x"] = [positions[n][0] for n in nodes]
        node_columns["y"] = [positions[n][1] for n in nodes]

    return {
        "nodes": node_columns,
        "edges": edge_columns,
        "texts": texts,
        "warnings": warnings,
        "kinds": [_kind_color(style.color) for style in KIND_STYLES],
        "warningStyles": [style.color for style in WARNING_STYLES],
        "warningWidth": WARNING_EDGE_WIDTH,
        "bands": bands,
        "physics": physics,
        "options": vis_options(
            physics=physics,
            large=len(nodes) > LARGE_NODES or len(edge_columns["from"]) > LARGE_EDGES,
            directed=G.is_directed(),
            seed=seed,
        ),
    }


def warning_legend(warnings: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Return ``(key, French label)`` of the warning styles used by ``warnings``."""
    used = {w["status"] for w in warnings}
    return [(s.key, s.label) for i, s in enumerate(WARNING_STYLES) if i in used]


def vis_options(*, physics: bool, large: bool, directed: bool, seed: int) -> dict[str, Any]:
    """Return vis-network options: straight edges, seeded layout, tuned or no physics.

    On a large map, hovering does not highlight (each highlight redraws every edge) and
    edges are hidden while dragging or zooming, so that the map follows the hand.
    """
    return {
        "autoResize": True,
        # improvedLayout runs a Kamada-Kawai pass that is quadratic; the seed fixes the
        # random start so that the settled picture is the same at every opening.
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "font": {
                "size": 14,
                "face": "system-ui, sans-serif",
                "color": "#1b1f24",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {
            "smooth": False,
            "color": {"color": EDGE_COLOR, "highlight": "#1b1f24", "hover": "#1b1f24",
                      "opacity": 0.55},
            "selectionWidth": 1.5,
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "keyboard": False,
        },
        "physics": _PHYSICS if physics else {"enabled": False},
    }


# Tuned for a few hundred nodes: settles in 200 iterations, then the page turns physics off.
_PHYSICS = {
    "enabled": True,
    "solver": "forceAtlas2Based",
    "forceAtlas2Based": {
        "gravitationalConstant": -60,
        "centralGravity": 0.01,
        "springLength": 110,
        "springConstant": 0.08,
        "damping": 0.5,
        "avoidOverlap": 0.2,
    },
    "maxVelocity": 50,
    "minVelocity": 0.75,
    "timestep": 0.5,
    "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 50, "fit": True},
}


def _node_columns(G: nx.Graph, nodes: list[Hashable], size_by: str | None) -> dict[str, list]:
    labels, kinds, titles, metric = [], [], [], []
    for node in nodes:
        data = G.nodes[node]
        label = _text(data.get("label"), default=str(node))
        kind = kind_key(data.get("kind"))
        labels.append(label)
        kinds.append(_KIND_INDEX[kind])
        titles.append(_node_tooltip(label, kind, data))
        metric.append(_finite(data.get(size_by)) if size_by else None)
    if size_by:
        sizes = scale_linear_sqrt(metric, *NODE_SIZE, default=NODE_SIZE_DEFAULT)
    else:
        sizes = [NODE_SIZE_DEFAULT] * len(nodes)
    return {"label": labels, "kind": kinds, "size": sizes, "title": titles}


def _node_tooltip(label: str, kind: str, data: Mapping[str, Any]) -> str:
    """Plain-text tooltip: name, kind, caller's details and lines, then known metrics."""
    lines = [label, f"Type de structure : {KIND_BY_KEY[kind].label}"]
    details = data.get("details")
    if isinstance(details, Mapping):
        lines += [f"{key} : {french_value(value)}" for key, value in details.items()]
    extra = _lines(data.get("tooltip"))
    if extra:
        lines.append(extra)
    for key, name in METRIC_LABELS.items():
        value = _finite(data.get(key))
        if value is not None:
            lines.append(f"{name} : {french_number(value)}")
    return "\n".join(lines)


def _edge_columns(
    G: nx.Graph, index: Mapping[Hashable, int]
) -> tuple[dict[str, list], dict[str, list[str]]]:
    """Edge columns, and the French texts of dates and weights they refer to by index.

    Weights and dates repeat a lot (sums of 1/(n-1), a few hundred days): each text is
    written once in a table, and an edge carries its index. This is also the hottest loop
    of a render (150,000 edges at 10,000 people).
    """
    sources, targets, weights, counts, informal, last, notes = [], [], [], [], [], [], []
    dates: list[str] = []
    date_index: dict[date, int] = {}
    weight_texts: list[str] = []
    weight_index: dict[float | None, int] = {}
    weight_ids = []
    for u, v, data in G.edges(data=True):
        sources.append(index[u])
        targets.append(index[v])
        weight = _finite(data.get("weight"))
        weights.append(weight)
        if weight not in weight_index:
            weight_index[weight] = len(weight_texts)
            weight_texts.append(french_number(weight) if weight is not None else "—")
        weight_ids.append(weight_index[weight])
        counts.append(_count(data.get("count")))
        informal.append(_count(data.get("informal_count")))
        when = data.get("last")
        if isinstance(when, date):  # a datetime is a date too
            day = when.date() if isinstance(when, datetime) else when
            if day not in date_index:
                date_index[day] = len(dates)
                dates.append(french_date(day))
            last.append(date_index[day])
        else:
            last.append(-1)
        note = data.get("tooltip")
        notes.append((_lines(note) or None) if note is not None else None)
    columns = {
        "from": sources,
        "to": targets,
        "width": scale_linear_sqrt(weights, *EDGE_WIDTH, default=EDGE_WIDTH_DEFAULT),
        "weight": weight_ids,
        "count": counts,
        "informal": informal,
        "last": last,
    }
    if any(notes):
        columns["note"] = notes
    return columns, {"dates": dates, "weights": weight_texts}


def _warnings(
    G: nx.Graph, warning_edges: Iterable[Mapping[str, Any]], index: Mapping[Hashable, int]
) -> list[dict[str, Any]]:
    warning_edges = list(warning_edges)
    # Edge position in G.edges order (= the page's edge id), for restyling existing edges.
    edge_index: dict[frozenset, int] = {}
    if warning_edges:
        for k, (u, v) in enumerate(G.edges()):
            edge_index.setdefault(frozenset((u, v)), k)
    warnings = []
    for warning in warning_edges:
        status = warning.get("status")
        if status not in _WARNING_INDEX:
            raise ValueError(
                f"warning edge status must be 'missing' or 'dormant', not {status!r}"
            )
        source, target = warning.get("source"), warning.get("target")
        # Only between nodes on the map: a filter may have removed one end.
        if source not in index or target not in index or source == target:
            continue
        style = WARNING_STYLES[_WARNING_INDEX[status]]
        warnings.append({
            "from": index[source],
            "to": index[target],
            "status": _WARNING_INDEX[status],
            "label": _text(warning.get("label"), default=style.label),
            "edge": edge_index.get(frozenset((source, target))),
        })
    return warnings


def _kind_color(background: str) -> dict[str, Any]:
    border = _darker(background)
    return {
        "background": background,
        "border": border,
        "highlight": {"background": background, "border": "#111111"},
        "hover": {"background": background, "border": "#111111"},
    }


def _darker(color: str, factor: float = 0.7) -> str:
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (red, green, blue)))


def _text(value: object, *, default: str) -> str:
    if value is None:
        return default
    text = value if isinstance(value, str) else french_value(value)
    return text if text.strip() else default


def _lines(value: object) -> str:
    """Caller-supplied tooltip lines (one string or several) as one text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip("\n")
    if isinstance(value, Iterable):
        return "\n".join(str(line) for line in value)
    return str(value)


def _finite(value: object) -> float | None:
    kind = type(value)
    if kind is float:  # the usual case first: the ABC check below is slow
        return value if math.isfinite(value) else None  # type: ignore[arg-type]
    if kind is int:
        return float(value)  # type: ignore[arg-type]
    if kind is bool or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _count(value: object) -> int:
    if type(value) is int:
        return value if value > 0 else 0
    number = _finite(value)
    return int(number) if number is not None and number > 0 else 0

