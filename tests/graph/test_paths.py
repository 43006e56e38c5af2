"""Introduction paths and neighbourhoods."""

from datetime import UTC, datetime

import networkx as nx
import pytest

from graph.build import institution_graph
from graph.paths import introduction_path, neighbourhood
from graph.rows import AffiliationRow, InstitutionRow, InteractionRow, PersonRow, Territory

MAY = datetime(2025, 5, 1, tzinfo=UTC)


def office():
    """Anne lunches weekly with Bruno, who works with Chloé; Anne met Chloé once in a crowd."""
    G = nx.Graph()
    G.add_node("anne", label="Anne", kind="petr")
    G.add_node("bruno", label="Bruno", kind="epci")
    G.add_node("chloe", label="Chloé", kind="epci")
    G.add_node("david", label="David", kind="commune")
    G.add_edge("anne", "bruno", weight=4.0, count=8, last=MAY)
    G.add_edge("bruno", "chloe", weight=2.0, count=3, last=MAY)
    G.add_edge("anne", "chloe", weight=0.1, count=1, last=MAY)
    return G


class TestIntroductionPath:
    def test_follows_the_strongest_chain_not_the_fewest_hops(self):
        path = introduction_path(office(), "anne", "chloe")
        assert path["found"]
        assert [n["label"] for n in path["nodes"]] == ["Anne", "Bruno", "Chloé"]
        assert path["distance"] == pytest.approx(1 / 4 + 1 / 2)
        assert path["hops"][0] == {
            "from": "anne", "to": "bruno", "weight": 4.0, "count": 8, "last_contact": "2025-05-01",
        }

    def test_says_when_there_is_no_chain(self):
        path = introduction_path(office(), "anne", "david")
        assert (path["found"], path["nodes"], path["hops"], path["distance"]) == (False, [], [], None)

    def test_a_person_reaches_themself_at_no_cost(self):
        path = introduction_path(office(), "anne", "anne")
        assert (path["distance"], len(path["nodes"]), path["hops"]) == (0, 1, [])

    def test_unknown_people_are_an_error(self):
        with pytest.raises(nx.NodeNotFound):
            introduction_path(office(), "anne", "zoé")


class TestNeighbourhood:
    def test_lists_contacts_strongest_first_and_who_could_introduce_us(self):
        G = office()
        G.add_edge("chloe", "david", weight=1.0)
        G.add_edge("bruno", "david", weight=1.0)
        hood = neighbourhood(G, "anne")
        assert [n["id"] for n in hood["neighbours"]] == ["bruno", "chloe"]
        assert hood["strength"] == pytest.approx(4.1)
        # David is two hops away; Bruno is the better introducer (1/4 + 1 < 1/0.1 + 1).
        assert hood["second_degree"] == [
            {"id": "david", "label": "David", "kind": "commune", "distance": 1.25, "via": ["bruno", "chloe"]}
        ]

    def test_limit_keeps_the_strongest(self):
        assert [n["id"] for n in neighbourhood(office(), "anne", limit=1)["neighbours"]] == ["bruno"]

    def test_an_institution_neighbourhood_says_through_whom(self):
        territory = Territory(
            1,
            (InstitutionRow(1, "PETR du Val", "petr"), InstitutionRow(2, "CC des Coteaux", "epci")),
            (),
            (PersonRow(10, "Anne"), PersonRow(20, "Bruno"), PersonRow(21, "Chloé")),
            (
                AffiliationRow(10, 1, "executive", "Directrice"),
                AffiliationRow(20, 2, "executive", "DGS"),
                AffiliationRow(21, 2, "elected", "Présidente"),
            ),
        )
        rows = [
            InteractionRow(1, MAY, "meeting", True, (10, 20)),
            InteractionRow(2, MAY, "informal", False, (10, 20, 21)),
        ]
        G = institution_graph(
            territory, rows,
            since=datetime(2025, 1, 1, tzinfo=UTC), until=datetime(2026, 1, 1, tzinfo=UTC),
        )
        (epci,) = neighbourhood(G, 1)["neighbours"]
        assert (epci["label"], epci["count"], epci["informal_count"], epci["first_contact"]) == (
            "CC des Coteaux", 2, 1, "2025-05-01",
        )
        assert epci["through"] == {
            "ours": [{"id": 10, "name": "Anne", "interactions": 2}],
            "theirs": [
                {"id": 20, "name": "Bruno", "interactions": 2},
                {"id": 21, "name": "Chloé", "interactions": 1},
            ],
        }

    def test_unknown_node_is_an_error(self):
        with pytest.raises(nx.NodeNotFound):
            neighbourhood(office(), "zoé")
