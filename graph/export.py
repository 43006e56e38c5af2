"""Exports for other tools: GEXF and GraphML (Gephi, Cytoscape), CSV (spreadsheets).

Functions return the document (bytes for XML, str for CSV); only :func:`write_atomic`
touches the disk. Graph exports go through :func:`exportable_copy`, which turns attribute
values into what the file formats can hold, so that the files read back (tests use
networkx's own readers) and open in Gephi.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime, time
from enum import Enum
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import networkx as nx

from graph.render_style import KIND_BY_KEY, METRIC_LABELS, kind_key

__all__ = [
    "edges_csv",
    "exportable_copy",
    "gaps_csv",
    "nodes_csv",
    "to_gexf",
    "to_graphml",
    "write_atomic",
]

# GEXF gives these attribute names a meaning of its own (ids, time spells, drawing); a
# graph attribute with one of these names would be misread, so GEXF leaves them out.
_GEXF_RESERVED_NODE_KEYS = frozenset(
    {"id", "pid", "start", "end", "viz", "spells", "slices", "parents"}
)
_GEXF_RESERVED_EDGE_KEYS = frozenset({"id", "type", "start", "end", "spells", "slices", "key"})

# Characters XML 1.0 cannot hold at all (even escaped): a file containing one is unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def exportable_copy(G: nx.Graph) -> nx.Graph:
    """Return a copy of ``G`` whose attributes every graph file format can hold.

    - ``None`` and non-finite numbers are dropped;
    - dates and datetimes become ISO 8601 strings, enums their value;
    - lists, tuples and sets become one string, items joined with ``"; "``;
    - mappings (e.g. the ``details`` shown in map tooltips) are dropped: display only;
    - characters XML cannot hold are removed from strings;
    - one type per attribute name: when nodes (or edges) disagree, values are widened
      (int and float to float; anything with text to text), since GEXF and GraphML declare
      one type per attribute;
    - graph-level attributes are dropped.

    Parameters
    ----------
    G : networkx graph
        Not modified.

    Returns
    -------
    networkx graph
        Same class and same nodes and edges as ``G``.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("a", label="A", betweenness=0, details={"x": 1}, note=None)
    >>> G.add_node("b", label="B", betweenness=0.5)
    >>> exportable_copy(G).nodes["a"]
    {'label': 'A', 'betweenness': 0.0}
    """
    H = G.__class__()
    node_attrs = _harmonised({node: _clean(data) for node, data in G.nodes(data=True)})
    H.add_nodes_from(node_attrs.items())
    if G.is_multigraph():
        raw = {(u, v, k): _clean(data) for u, v, k, data in G.edges(keys=True, data=True)}
    else:
        raw = {(u, v): _clean(data) for u, v, data in G.edges(data=True)}
    for edge, data in _harmonised(raw).items():
        H.add_edge(*edge, **data)
    return H


def to_gexf(G: nx.Graph) -> bytes:
    """Return ``G`` as a GEXF 1.2 document (UTF-8 bytes), for Gephi.

    Node and edge attributes are those of :func:`exportable_copy`; ``label`` and
    ``weight`` become GEXF's own label and weight. Nodes also get a ``viz`` colour by
    institution kind (the map's colours), which Gephi shows as is.

    Examples
    --------
    >>> G = nx.Graph([(1, 2, {"weight": 2.0, "count": 3})])
    >>> H = nx.read_gexf(io.BytesIO(to_gexf(G)))
    >>> H.edges["1", "2"]["count"]
    3
    """
    H = exportable_copy(G)
    for _node, data in H.nodes(data=True):
        for key in _GEXF_RESERVED_NODE_KEYS & data.keys():
            del data[key]
        data["viz"] = {"color": _rgba(KIND_BY_KEY[kind_key(data.get("kind"))].color)}
    for *_, data in H.edges(data=True):
        for key in _GEXF_RESERVED_EDGE_KEYS & data.keys():
            del data[key]
    buffer = io.BytesIO()
    nx.write_gexf(H, buffer, encoding="utf-8")
    return buffer.getvalue()


def to_graphml(G: nx.Graph) -> bytes:
    """Return ``G`` as a GraphML document (UTF-8 bytes), for Cytoscape, yEd or Gephi.

    Examples
    --------
    >>> G = nx.Graph([(1, 2, {"weight": 2.0})])
    >>> nx.read_graphml(io.BytesIO(to_graphml(G))).edges["1", "2"]["weight"]
    2.0
    """
    buffer = io.BytesIO()
    # The pure-Python writer: same output with or without lxml installed.
    nx.write_graphml_xml(exportable_copy(G), buffer, encoding="utf-8")
    return buffer.getvalue()


def nodes_csv(G: nx.Graph, *, delimiter: str = ",") -> str:
    """Return one CSV row per node: ``id, label, kind``, the metrics, then other attributes.

    Values are written as in :func:`exportable_copy` (numbers with a dot, dates in ISO
    8601). A text starting with ``= + - @`` gets a leading ``'`` so that a spreadsheet
    shows it instead of running it as a formula.

    Parameters
    ----------
    G : networkx graph
        Not modified.
    delimiter : str
        Use ``";"`` for a French spreadsheet (and write with ``write_atomic(..., bom=True)``).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node(7, label="=SOMME(A1)", kind="epci", degree=2)
    >>> print(nodes_csv(G), end="")
    id,label,kind,degree
    7,'=SOMME(A1),epci,2
    """
    H = exportable_copy(G)
    rows = [{"id": node, **data} for node, data in H.nodes(data=True)]
    return _csv(rows, ["id", "label", "kind", *METRIC_LABELS], delimiter)


def edges_csv(G: nx.Graph, *, delimiter: str = ",") -> str:
    """Return one CSV row per edge: source, target, their labels, weight, counts, others.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", weight=1.5, count=2)
    >>> print(edges_csv(G), end="")
    source,target,source_label,target_label,weight,count
    a,b,a,b,1.5,2
    """
    H = exportable_copy(G)
    rows = []
    for u, v, data in H.edges(data=True):
        rows.append({
            "source": u,
            "target": v,
            "source_label": H.nodes[u].get("label", u),
            "target_label": H.nodes[v].get("label", v),
            **data,
        })
    first = ["source", "target", "source_label", "target_label", "weight", "count",
             "informal_count", "last"]
    return _csv(rows, first, delimiter)


def gaps_csv(gaps: Iterable[Mapping[str, Any]], *, delimiter: str = ",") -> str:
    """Return one CSV row per gap (écart de liaison), as listed by the gaps report.

    Each gap is ``{"kind", "severity", "institutions", "people", "evidence",
    "recommendation"}``; institutions and people are lists of dicts (``id``, ``name``,
    ``siren``) or of names. They are flattened to ``institutions`` (names joined with
    ``" ; "``), ``institution_ids``, ``institution_sirens``, ``people``, ``person_ids``;
    each evidence key becomes an ``evidence.<key>`` column.

    Examples
    --------
    >>> gap = {"kind": "dormant_liaison", "severity": "high",
    ...        "institutions": [{"id": 1, "name": "PETR"}, {"id": 2, "name": "CC A"}],
    ...        "people": [], "evidence": {"days_since": 120},
    ...        "recommendation": "Relancer"}
    >>> print(gaps_csv([gap]).splitlines()[1])
    dormant_liaison,high,PETR ; CC A,1 ; 2,,,,Relancer,120
    """
    rows = []
    for gap in gaps:
        institutions = list(gap.get("institutions") or ())
        people = list(gap.get("people") or ())
        row = {
            "kind": gap.get("kind"),
            "severity": gap.get("severity"),
            "institutions": _joined(institutions, "name"),
            "institution_ids": _joined(institutions, "id"),
            "institution_sirens": _joined(institutions, "siren"),
            "people": _joined(people, "name"),
            "person_ids": _joined(people, "id"),
            "recommendation": gap.get("recommendation"),
        }
        for key, value in (gap.get("evidence") or {}).items():
            row[f"evidence.{key}"] = (
                json.dumps(value, ensure_ascii=False, default=str)
                if isinstance(value, Mapping) else _cell(value)
            )
        rows.append(row)
    first = ["kind", "severity", "institutions", "institution_ids", "institution_sirens",
             "people", "person_ids", "recommendation"]
    return _csv(rows, first, delimiter, keep_all_first=True)


def write_atomic(path: str | os.PathLike[str], content: str | bytes, *, bom: bool = False) -> Path:
    """Write ``content`` to ``path`` atomically: readers see the old file or the new one.

    Text is encoded as UTF-8 (with a byte-order mark when ``bom`` is true: French Excel
    needs one to read a CSV as UTF-8). The data goes to a temporary file in the same
    directory, is flushed to disk, then renamed over ``path``; on error the temporary file
    is removed and ``path`` is untouched. A new file gets the usual permissions (umask);
    a replaced one keeps its own.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    if isinstance(content, bytes):
        data = content
    else:
        data = content.encode("utf-8-sig" if bom else "utf-8")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return target


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for key, value in data.items():
        value = _scalar(value)
        if value is not None:
            cleaned[str(key)] = value
    return cleaned


def _scalar(value: Any) -> bool | int | float | str | None:
    if isinstance(value, Enum):
        value = value.value
    if value is None or isinstance(value, Mapping):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_scalar(item) for item in value]
        text = "; ".join(str(item) for item in items if item is not None)
        return text or None
    return _XML_INVALID.sub("", str(value))


def _harmonised(items: dict[Hashable, dict[str, Any]]) -> dict[Hashable, dict[str, Any]]:
    types: dict[str, set[type]] = {}
    for data in items.values():
        for key, value in data.items():
            types.setdefault(key, set()).add(type(value))
    widen = {}
    for key, seen in types.items():
        if len(seen) > 1:
            widen[key] = float if seen <= {bool, int, float} and float in seen else (
                int if seen <= {bool, int} else str
            )
    if widen:
        for data in items.values():
            for key, kind in widen.items():
                if key in data:
                    data[key] = kind(data[key])
    return items


def _rgba(color: str) -> dict[str, float]:
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return {"r": red, "g": green, "b": blue, "a": 1.0}


def _umask() -> int:
    # Read without os.umask(), which sets it too (briefly wrong for other threads).
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def _joined(items: list[Any], key: str) -> str:
    values = []
    for item in items:
        value = item.get(key) if isinstance(item, Mapping) else (item if key == "name" else None)
        if value is not None:
            values.append(str(value))
    return " ; ".join(values)


def _cell(value: Any) -> Any:
    value = _scalar(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(
    rows: list[dict[str, Any]], first: Iterable[str], delimiter: str, *,
    keep_all_first: bool = False,
) -> str:
    present = {key for row in rows for key in row}
    ordered = [key for key in first if keep_all_first or key in present]
    columns = ordered + sorted(present - set(ordered))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_text(_cell(value)) for key, value in row.items()})
    return buffer.getvalue()


def _csv_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value
