"""Render a graph as one self-contained, offline, interactive HTML map (vis-network).

The page is built from our own Jinja2 template (graph/templates/map.html.j2) with autoescape
on, not from pyvis's template, which has autoescape off, references CDNs and has four ways
to run injected script (see notes/pyvis.md). vis-network 9.1.2 is inlined from graph/vendor.
A Content-Security-Policy allows exactly the inlined scripts and styles (by sha256 hash),
images from data: URLs, and nothing else: no request can leave the page.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from graph.render_data import PHYSICS_MAX_NODES, map_data, warning_legend
from graph.render_french import Period, french_datetime, french_filters, french_period
from graph.render_style import KIND_STYLES, METRIC_LABELS, WARNING_STYLES

__all__ = ["LAYOUTS", "LEVELS", "content_security_policy", "render_map"]

LEVELS = ("person", "institution")
LAYOUTS = ("force", "hierarchical")

_HERE = Path(__file__).parent
_NOUNS = {"person": ("acteur", "acteurs"), "institution": ("structure", "structures")}


def render_map(
    G: nx.Graph,
    *,
    level: str,
    title: str,
    territory: str,
    period: Period,
    filters: Mapping[str, Any] | Iterable[str] | None,
    generated_at: datetime,
    size_by: str | None = None,
    warning_edges: Iterable[Mapping[str, Any]] = (),
    layout: str = "force",
    seed: int = 42,
    physics_max_nodes: int = PHYSICS_MAX_NODES,
) -> str:
    """Return a self-contained HTML map of ``G`` (one document, no external request).

    Parameters
    ----------
    G : networkx graph
        Read only, never modified. Node attributes: ``label`` (str; defaults to the node
        id), ``kind`` (one of state_central, state_service, region, departement, epci,
        petr, pnr, syndicat, commune, other; anything else is drawn as "other"), optional
        ``details`` (mapping of French label to value, shown as "label : value" lines),
        optional ``tooltip`` (str or list of str, extra lines), and numeric metrics
        (degree, strength, betweenness, closeness, pagerank, eigenvector, constraint,
        effective_size, community), shown in the tooltip. Edge attributes: ``weight``
        (tie strength, sets the width), ``count`` (int), ``informal_count`` (int),
        ``last`` (date or datetime of the last interaction), optional ``tooltip``.
    level : {"person", "institution"}
        What a node is; sets the wording ("acteurs" or "structures").
    title, territory : str
        Printed at the top of the page (as text).
    period : str, (start, end) or None
        Analysis window; dates or datetimes, either may be None (see
        :func:`graph.render_french.french_period`).
    filters : mapping, iterable of str or None
        Filters applied, e.g. ``{"Thématiques": ["mobilité"], "Échelons": ["EPCI"]}``.
    generated_at : datetime
        Generation time, printed as given (convert to Europe/Paris first). Passed in rather
        than read from the clock so that the same inputs give the same file.
    size_by : str, optional
        Node attribute that sets node size (area grows with the value); ``None`` draws all
        nodes the same size.
    warning_edges : iterable of dict
        Expected liaisons that are missing or dormant: ``{"source": node, "target": node,
        "status": "missing" | "dormant", "label": str}``, drawn dashed in a warning colour.
        Pairs with an end not in ``G`` are left out (a filter removed it); an existing edge
        between the pair is restyled rather than doubled.
    layout : {"force", "hierarchical"}
        "force": up to ``physics_max_nodes`` nodes, the page settles a seeded layout then
        freezes it; above, positions are computed here (igraph) and physics stays off.
        "hierarchical": one band per échelon, State at the top, communes at the bottom.
    seed : int
        Seed of every random choice of the layout: same inputs, same picture.
    physics_max_nodes : int
        Largest graph laid out by the page's physics.

    Returns
    -------
    str
        The HTML document. Write it as UTF-8 (see :func:`graph.export.write_atomic`).

    Raises
    ------
    ValueError
        Unknown ``level`` or ``layout``, or a warning edge with an unknown ``status``.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node(1, label="PETR du Pays de Retz", kind="petr", degree=1)
    >>> G.add_node(2, label="CC Sud Retz Atlantique", kind="epci", degree=1)
    >>> G.add_edge(1, 2, weight=2.5, count=3, informal_count=1)
    >>> html = render_map(G, level="institution", title="Liaisons 2025",
    ...                   territory="Pays de Retz", period=None, filters=None,
    ...                   generated_at=datetime(2025, 3, 12, 14, 5), size_by="degree")
    >>> html.startswith("<!DOCTYPE html>")
    True
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")

    data = map_data(
        G,
        size_by=size_by,
        warning_edges=warning_edges,
        layout=layout,
        seed=seed,
        physics_max_nodes=physics_max_nodes,
    )
    kind_counts = Counter(data["nodes"]["kind"])
    assets = _assets()
    page_css = _page_css(assets["map.css"])
    return _template().render(
        csp=content_security_policy(
            scripts=(assets["vis-network.min.js"], assets["map.js"]),
            styles=(assets["vis-network.css"], page_css),
        ),
        title=title,
        territory=territory,
        period=french_period(period),
        filters=french_filters(filters),
        generated=french_datetime(generated_at),
        counts=_counts(level, G.number_of_nodes(), G.number_of_edges(), len(data["warnings"])),
        empty=G.number_of_nodes() == 0,
        legend_kinds=[
            {"key": style.key, "label": style.label, "count": kind_counts[i]}
            for i, style in enumerate(KIND_STYLES)
            if kind_counts[i]
        ],
        legend_warnings=warning_legend(data["warnings"]),
        size_label=_metric_name(size_by) if size_by else None,
        hierarchical=layout == "hierarchical",
        data=data,
        vis_css=Markup(assets["vis-network.css"]),
        page_css=Markup(page_css),
        vis_js=Markup(assets["vis-network.min.js"]),
        page_js=Markup(assets["map.js"]),
    )


def content_security_policy(*, scripts: Iterable[str], styles: Iterable[str]) -> str:
    """Return a CSP allowing only the given inline scripts and styles, and data: images.

    Parameters
    ----------
    scripts, styles : iterable of str
        Exact text of each inline ``<script>`` and ``<style>`` element.

    Examples
    --------
    >>> content_security_policy(scripts=["run()"], styles=[]).split("; ")[:2]
    ["default-src 'none'", "script-src 'sha256-AvyuiL0SD1mVY3NNxR+V2uo+lhk6RMFrytWmRt6CrJQ='"]
    """
    def sources(texts: Iterable[str]) -> str:
        return " ".join(f"'sha256-{_sha256(text)}'" for text in texts) or "'none'"

    return (
        "default-src 'none'; "
        f"script-src {sources(scripts)}; "
        f"style-src {sources(styles)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _metric_name(metric: str) -> str:
    # "Intermédiarité" reads "intermédiarité" mid-sentence; "PageRank" keeps its capitals.
    name = METRIC_LABELS.get(metric, metric)
    return name[0].lower() + name[1:] if name[1:2].islower() else name


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _counts(level: str, nodes: int, edges: int, warnings: int) -> str:
    singular, plural = _NOUNS[level]
    parts = [
        f"{nodes} {singular if nodes < 2 else plural}",
        f"{edges} {'liaison' if edges < 2 else 'liaisons'}",
    ]
    if warnings:
        parts.append(f"{warnings} {'liaison signalée' if warnings < 2 else 'liaisons signalées'}")
    return ", ".join(parts)


def _page_css(base: str) -> str:
    # Colours come from constants (render_style), never from data: safe to write as CSS.
    rules = [f".kind-{style.key}{{background:{style.color}}}" for style in KIND_STYLES]
    rules += [f".warning-{style.key}{{border-color:{style.color}}}" for style in WARNING_STYLES]
    return base + "\n".join(rules) + "\n"


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """The four inlined files, read once per process."""
    files = {
        "vis-network.min.js": _HERE / "vendor" / "vis-network.min.js",
        "vis-network.css": _HERE / "vendor" / "vis-network.css",
        "map.js": _HERE / "templates" / "map.js",
        "map.css": _HERE / "templates" / "map.css",
    }
    assets = {name: path.read_text(encoding="utf-8") for name, path in files.items()}
    for name, text in assets.items():
        # An inlined file containing a closing tag would end its element early.
        if "</script" in text.lower() or "</style" in text.lower():
            raise RuntimeError(f"{name} cannot be inlined: it contains a closing tag")
    return assets


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    # Compact JSON; Jinja's tojson still escapes < > & ' so the data cannot close its tag.
    environment.policies["json.dumps_kwargs"] = {
        "ensure_ascii": False,
        "separators": (",", ":"),
        "allow_nan": False,
    }
    return environment.get_template("map.html.j2")
