"""Person and institution graphs built from plain rows (DESIGN.md §4)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from graph.build import graphs, institution_graph, person_graph
from graph.rows import (
    AffiliationRow,
    InstitutionRow,
    InteractionRow,
    PersonRow,
    Territory,
)

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
MARCH = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)

PETR, EPCI, COMMUNE = 1, 2, 3
INSTITUTIONS = (
    InstitutionRow(PETR, "PETR du Val", "petr"),
    InstitutionRow(EPCI, "CC des Coteaux", "epci", "CC", "200000172"),
    InstitutionRow(COMMUNE, "Saint-Martin", "commune"),
)
ANNE, BRUNO, CHLOE, DAVID = 10, 20, 30, 40
PEOPLE = (
    PersonRow(ANNE, "Anne Petit"),
    PersonRow(BRUNO, "Bruno Martin"),
    PersonRow(CHLOE, "Chloé Durand"),
    PersonRow(DAVID, "David Leroy"),
)
AFFILIATIONS = (
    AffiliationRow(ANNE, PETR, "executive", "Directrice"),
    AffiliationRow(BRUNO, EPCI, "executive", "DGS"),
    AffiliationRow(CHLOE, EPCI, "elected", "Présidente"),
    AffiliationRow(CHLOE, COMMUNE, "elected", "Maire"),
    AffiliationRow(DAVID, COMMUNE, "technical", "Secrétaire de mairie"),
)
TERRITORY = Territory(PETR, INSTITUTIONS, (), PEOPLE, AFFILIATIONS)


def meeting(id, people, *, at=MARCH, formal=True, bodies=()):
    return InteractionRow(id, at, "meeting" if formal else "informal", formal, people, bodies)


def build_people(rows, **kwargs):
    return person_graph(TERRITORY, rows, since=SINCE, until=UNTIL, **kwargs)


def build_institutions(rows, territory=TERRITORY, **kwargs):
    return institution_graph(territory, rows, since=SINCE, until=UNTIL, **kwargs)


class TestPersonGraph:
    def test_a_two_person_coffee_is_a_strong_tie_and_an_assembly_makes_weak_ones(self):
        G = build_people(
            [meeting(1, (ANNE, BRUNO), formal=False), meeting(2, (ANNE, BRUNO, CHLOE, DAVID))]
        )
        assert G[ANNE][BRUNO]["weight"] == pytest.approx(1 + 1 / 3)
        assert G[ANNE][CHLOE]["weight"] == pytest.approx(1 / 3)
        assert G[ANNE][BRUNO]["count"] == 2
        assert G[ANNE][BRUNO]["informal_count"] == 1
        assert G[CHLOE][DAVID]["informal_count"] == 0

    def test_edges_remember_first_and_last_contact(self):
        later = MARCH + timedelta(days=30)
        G = build_people([meeting(2, (ANNE, BRUNO), at=later), meeting(1, (ANNE, BRUNO))])
        assert G[ANNE][BRUNO]["first"] == MARCH
        assert G[ANNE][BRUNO]["last"] == later

    def test_window_includes_since_and_excludes_until(self):
        G = build_people([meeting(1, (ANNE, BRUNO), at=SINCE), meeting(2, (CHLOE, DAVID), at=UNTIL)])
        assert G.has_edge(ANNE, BRUNO)
        assert not G.has_edge(CHLOE, DAVID)

    def test_half_life_halves_a_tie_of_that_age(self):
        G = build_people([meeting(1, (ANNE, BRUNO), at=UNTIL - timedelta(days=30))], half_life_days=30)
        assert G[ANNE][BRUNO]["weight"] == pytest.approx(0.5)
        assert G[ANNE][BRUNO]["count"] == 1

    def test_every_person_is_a_node_with_the_kind_of_their_main_institution(self):
        G = build_people([])
        assert set(G) == {ANNE, BRUNO, CHLOE, DAVID}
        assert G.nodes[ANNE]["label"] == "Anne Petit"
        assert G.nodes[ANNE]["kind"] == "petr"
        # Chloé is president of the EPCI and mayor: the executive/elected head of the
        # lowest institution id among key roles wins, deterministically.
        assert G.nodes[CHLOE]["institutions"] == (EPCI, COMMUNE)
        assert G.nodes[CHLOE]["main_institution"] == EPCI
        assert G.nodes[CHLOE]["title"] == "Présidente"

    def test_participants_unknown_to_the_territory_are_kept(self):
        G = build_people([meeting(1, (ANNE, 99))])
        assert G.nodes[99]["label"] == "#99"
        assert G.has_edge(ANNE, 99)

    def test_a_solo_interaction_makes_no_tie(self):
        assert build_people([meeting(1, (ANNE,))]).number_of_edges() == 0

    def test_graph_says_which_window_it_covers(self):
        G = build_people([])
        assert (G.graph["level"], G.graph["since"], G.graph["until"]) == ("person", SINCE, UNTIL)

    def test_naive_window_is_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            person_graph(TERRITORY, [], since=datetime(2025, 1, 1), until=UNTIL)


class TestInteractionRow:
    def test_participants_are_stored_sorted_and_unique(self):
        row = InteractionRow(1, MARCH, "call", True, (30, 10, 30), (3, 1))
        assert row.person_ids == (10, 30)
        assert row.institution_ids == (1, 3)

    def test_a_naive_datetime_is_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            InteractionRow(1, datetime(2025, 3, 1), "call", True, (1, 2))


class TestInstitutionGraph:
    def test_an_interaction_links_the_institutions_of_its_participants(self):
        G = build_institutions([meeting(1, (ANNE, BRUNO)), meeting(2, (ANNE, BRUNO), formal=False)])
        liaison = G[PETR][EPCI]
        assert (liaison["weight"], liaison["count"], liaison["informal_count"]) == (2.0, 2, 1)
        assert liaison["carriers"] == {PETR: {ANNE: 2}, EPCI: {BRUNO: 2}}
        assert liaison["interactions"] == [1, 2]

    def test_nodes_carry_kind_and_siren(self):
        G = build_institutions([])
        assert G.nodes[EPCI] == {
            "label": "CC des Coteaux",
            "kind": "epci",
            "subtype": "CC",
            "siren": "200000172",
        }

    def test_affiliations_count_at_the_date_of_the_interaction(self):
        moved = Territory(
            PETR,
            INSTITUTIONS,
            (),
            PEOPLE,
            (
                AffiliationRow(ANNE, PETR, "executive", "Directrice"),
                AffiliationRow(BRUNO, EPCI, "executive", "DGS", end=date(2025, 5, 31)),
                AffiliationRow(BRUNO, COMMUNE, "executive", "DGS", start=date(2025, 6, 1)),
            ),
        )
        G = build_institutions(
            [meeting(1, (ANNE, BRUNO)), meeting(2, (ANNE, BRUNO), at=datetime(2025, 9, 1, tzinfo=UTC))],
            territory=moved,
        )
        assert G[PETR][EPCI]["interactions"] == [1]
        assert G[PETR][COMMUNE]["interactions"] == [2]
        assert not G.has_edge(EPCI, COMMUNE)

    def test_one_person_wearing_both_hats_alone_is_no_liaison(self):
        G = build_institutions([meeting(1, (CHLOE,))])
        assert not G.has_edge(EPCI, COMMUNE)

    def test_a_person_with_two_hats_links_both_bodies_to_the_others(self):
        G = build_institutions([meeting(1, (CHLOE, DAVID))])
        # Chloé (EPCI and commune) met David (commune): the commune met the EPCI through her.
        assert G[EPCI][COMMUNE]["carriers"] == {EPCI: {CHLOE: 1}, COMMUNE: {DAVID: 1}}

    def test_a_body_present_without_a_known_person_is_linked(self):
        G = build_institutions([meeting(1, (ANNE,), bodies=(EPCI,))])
        assert G[PETR][EPCI]["carriers"] == {PETR: {ANNE: 1}, EPCI: {}}

    def test_people_without_affiliation_link_nothing(self):
        G = build_institutions([meeting(1, (ANNE, 99))])
        assert G.number_of_edges() == 0

    def test_graph_names_the_carriers(self):
        assert build_institutions([]).graph["person_labels"][ANNE] == "Anne Petit"


def test_graphs_builds_both_levels_from_one_pass():
    people, institutions = graphs(TERRITORY, [meeting(1, (ANNE, BRUNO))], since=SINCE, until=UNTIL)
    assert people.has_edge(ANNE, BRUNO) and institutions.has_edge(PETR, EPCI)


def test_rows_in_any_order_give_the_same_graph():
    rows = [meeting(i, pair) for i, pair in enumerate([(ANNE, BRUNO), (BRUNO, CHLOE), (ANNE, DAVID)])]
    forward, backward = build_people(rows), build_people(rows[::-1])
    assert list(forward.edges(data=True)) == list(backward.edges(data=True))
