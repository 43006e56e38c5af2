"""Exports for Gephi, Cytoscape and spreadsheets: round trips through networkx's readers."""

import csv
import doctest
import io
import os
import stat
from datetime import UTC, date, datetime

import networkx as nx
import pytest

from graph import export
from graph.export import (
    edges_csv,
    exportable_copy,
    gaps_csv,
    nodes_csv,
    to_gexf,
    to_graphml,
    write_atomic,
)

LAST = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)


def test_docstring_examples():
    result = doctest.testmod(export)
    assert result.failed == 0 and result.attempted > 0


def sample_graph() -> nx.Graph:
    G = nx.Graph(level="person", since=datetime(2025, 1, 1, tzinfo=UTC))
    G.add_node(1, label="Anne <b>Martin</b>", kind="petr", degree=2, betweenness=0,
               pagerank=0.4, community=0, institutions=(10, 20), details={"Fonction": "DGS"},
               title=None, active=True)
    G.add_node(2, label="Ελληνικά 中文 العربية", kind="epci", degree=1, betweenness=0.5,
               pagerank=0.3, community=1, active=False)
    G.add_node(3, label='L\'élu "Jean"', kind="commune", degree=1, betweenness=0,
               pagerank=float("nan"), community=1, joined=date(2020, 3, 15))
    G.add_edge(1, 2, weight=1.5, count=3, informal_count=1, last=LAST, carriers={10: {1: 2}})
    G.add_edge(1, 3, weight=0.25, count=1, informal_count=0, last=None)
    return G


def snapshot(G):
    return (
        [(n, dict(d)) for n, d in G.nodes(data=True)],
        [(u, v, dict(d)) for u, v, d in G.edges(data=True)],
        dict(G.graph),
    )


def expected_nodes():
    """Node attributes as they should come back from a GEXF or GraphML file."""
    return {
        "1": {"label": "Anne <b>Martin</b>", "kind": "petr", "degree": 2, "betweenness": 0.0,
              "pagerank": 0.4, "community": 0, "institutions": "10; 20", "active": True},
        "2": {"label": "Ελληνικά 中文 العربية", "kind": "epci", "degree": 1,
              "betweenness": 0.5, "pagerank": 0.3, "community": 1, "active": False},
        "3": {"label": 'L\'élu "Jean"', "kind": "commune", "degree": 1, "betweenness": 0.0,
              "community": 1, "joined": "2020-03-15"},
    }


def expected_edges():
    return {
        frozenset({"1", "2"}): {"weight": 1.5, "count": 3, "informal_count": 1,
                                "last": "2025-03-12T09:30:00+00:00"},
        frozenset({"1", "3"}): {"weight": 0.25, "count": 1, "informal_count": 0},
    }


def test_exportable_copy_cleans_values_and_keeps_the_input():
    G = sample_graph()
    before = snapshot(G)
    H = exportable_copy(G)
    assert snapshot(G) == before
    assert H.nodes[1]["institutions"] == "10; 20"
    assert "details" not in H.nodes[1] and "title" not in H.nodes[1]
    assert "pagerank" not in H.nodes[3]  # NaN dropped
    assert H.nodes[1]["betweenness"] == 0.0 and isinstance(H.nodes[1]["betweenness"], float)
    assert H.edges[1, 2]["last"] == "2025-03-12T09:30:00+00:00"
    assert "carriers" not in H.edges[1, 2] and "last" not in H.edges[1, 3]
    assert H.graph == {}


def test_mixed_types_are_widened_to_one_per_attribute():
    G = nx.Graph()
    G.add_node("a", score=1, flag=True, code=75)
    G.add_node("b", score=2.5, flag=1, code="2A")
    H = exportable_copy(G)
    assert [H.nodes[n]["score"] for n in "ab"] == [1.0, 2.5]
    assert [H.nodes[n]["flag"] for n in "ab"] == [1, 1]
    assert [H.nodes[n]["code"] for n in "ab"] == ["75", "2A"]


def test_gexf_round_trip():
    G = sample_graph()
    before = snapshot(G)
    data = to_gexf(G)
    assert snapshot(G) == before
    assert data.startswith(b"<?xml") and "中文".encode() in data
    H = nx.read_gexf(io.BytesIO(data))
    assert set(H) == {"1", "2", "3"}
    for node, attributes in expected_nodes().items():
        read = dict(H.nodes[node])
        assert read.pop("viz")["color"]  # colour by kind, for Gephi
        assert read == attributes
    assert {frozenset(e) for e in H.edges} == set(expected_edges())
    for (u, v), attributes in zip(H.edges, (H.edges[e] for e in H.edges)):
        read = {k: val for k, val in attributes.items() if k != "id"}
        assert read == expected_edges()[frozenset({u, v})]


def test_gexf_colours_nodes_by_kind():
    H = nx.read_gexf(io.BytesIO(to_gexf(sample_graph())))
    # PETR magenta, as on the HTML map (graph/render_style.py).
    assert H.nodes["1"]["viz"]["color"] == {"r": 181, "g": 23, "b": 158, "a": 1.0}


def test_graphml_round_trip():
    G = sample_graph()
    before = snapshot(G)
    data = to_graphml(G)
    assert snapshot(G) == before
    H = nx.read_graphml(io.BytesIO(data))
    assert set(H) == {"1", "2", "3"}
    for node, attributes in expected_nodes().items():
        assert dict(H.nodes[node]) == attributes
    for u, v, attributes in H.edges(data=True):
        assert attributes == expected_edges()[frozenset({u, v})]


def test_directed_and_multigraphs_export():
    D = nx.MultiDiGraph()
    D.add_edge("a", "b", weight=1.0)
    D.add_edge("a", "b", weight=2.0)
    H = nx.read_graphml(io.BytesIO(to_graphml(D)))
    assert H.is_directed() and H.number_of_edges() == 2
    H = nx.read_gexf(io.BytesIO(to_gexf(D)))
    assert H.is_directed() and H.number_of_edges() == 2


def test_xml_invalid_characters_are_removed():
    G = nx.Graph()
    G.add_node("a", label="bell\x07 and null\x00 end")
    assert nx.read_gexf(io.BytesIO(to_gexf(G))).nodes["a"]["label"] == "bell and null end"
    assert nx.read_graphml(io.BytesIO(to_graphml(G))).nodes["a"]["label"] == "bell and null end"


def test_gexf_reserved_attribute_names_do_not_break_the_file():
    G = nx.Graph()
    G.add_node("a", id="other", start="x", label="A")
    G.add_edge("a", "b", type="weird", id=5)
    H = nx.read_gexf(io.BytesIO(to_gexf(G)))
    assert set(H) == {"a", "b"}


def read_csv(text: str, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_nodes_csv():
    rows = read_csv(nodes_csv(sample_graph()))
    assert list(rows[0])[:7] == ["id", "label", "kind", "degree", "betweenness", "pagerank",
                                 "community"]
    assert rows[1]["label"] == "Ελληνικά 中文 العربية"
    assert rows[2]["label"] == 'L\'élu "Jean"'
    assert rows[2]["pagerank"] == ""  # NaN dropped
    assert rows[0]["active"] == "true" and rows[0]["institutions"] == "10; 20"


def test_edges_csv():
    rows = read_csv(edges_csv(sample_graph(), delimiter=";"), delimiter=";")
    assert [r["target_label"] for r in rows] == ["Ελληνικά 中文 العربية", 'L\'élu "Jean"']
    assert rows[0]["last"] == "2025-03-12T09:30:00+00:00" and rows[1]["last"] == ""
    assert rows[0]["weight"] == "1.5" and rows[0]["count"] == "3"


def test_csv_neutralises_spreadsheet_formulas():
    G = nx.Graph()
    G.add_node(1, label='=HYPERLINK("http://x","y")', kind="-2+3")
    G.add_node(2, label="@SUM(A1)")
    rows = read_csv(nodes_csv(G))
    assert rows[0]["label"] == '\'=HYPERLINK("http://x","y")'
    assert rows[0]["kind"] == "'-2+3"
    assert rows[1]["label"] == "'@SUM(A1)"


GAPS = [
    {
        "kind": "dormant_liaison",
        "severity": "high",
        "institutions": [{"id": 1, "name": "PETR du Val", "siren": "200000001"},
                         {"id": 2, "name": "CC des Coteaux", "siren": "200000002"}],
        "people": [{"id": 7, "name": "Anne"}],
        "evidence": {"last_contact": datetime(2024, 11, 2, tzinfo=UTC),
                     "days_since": 130, "counts": {"before": 4, "after": 0}},
        "recommendation": "Relancer un échange informel avec la DGS.",
    },
    {
        "kind": "missing_liaison",
        "severity": "medium",
        "institutions": ["PETR du Val", "Sous-préfecture"],
        "people": [],
        "evidence": {"expected": True},
        "recommendation": "=Prévoir une rencontre",
    },
]


def test_gaps_csv_flattens_lists_and_evidence():
    rows = read_csv(gaps_csv(GAPS))
    first, second = rows
    assert first["institutions"] == "PETR du Val ; CC des Coteaux"
    assert first["institution_ids"] == "1 ; 2"
    assert first["institution_sirens"] == "200000001 ; 200000002"
    assert first["people"] == "Anne" and first["person_ids"] == "7"
    assert first["evidence.last_contact"] == "2024-11-02T00:00:00+00:00"
    assert first["evidence.days_since"] == "130"
    assert first["evidence.counts"] == '{"before": 4, "after": 0}'
    assert first["evidence.expected"] == ""
    assert second["institutions"] == "PETR du Val ; Sous-préfecture"
    assert second["institution_ids"] == ""
    assert second["evidence.expected"] == "true"
    assert second["recommendation"] == "'=Prévoir une rencontre"


def test_gaps_csv_of_no_gaps_has_a_header():
    assert gaps_csv([]).splitlines() == [
        "kind,severity,institutions,institution_ids,institution_sirens,people,person_ids,"
        "recommendation"
    ]


def test_write_atomic_writes_utf8_and_replaces(tmp_path):
    target = tmp_path / "carte.html"
    write_atomic(target, "première version")
    target.chmod(0o640)
    write_atomic(target, "Ελληνικά")
    assert target.read_bytes() == "Ελληνικά".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # a replaced file keeps its mode
    assert [p.name for p in tmp_path.iterdir()] == ["carte.html"]


def test_write_atomic_bom_for_spreadsheets_and_bytes(tmp_path):
    write_atomic(tmp_path / "a.csv", "é", bom=True)
    assert (tmp_path / "a.csv").read_bytes() == b"\xef\xbb\xbf" + "é".encode()
    write_atomic(tmp_path / "b.gexf", b"<gexf/>")
    assert (tmp_path / "b.gexf").read_bytes() == b"<gexf/>"


def test_new_files_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.csv", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_write_atomic_failure_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.gexf"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(export.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.gexf"]
