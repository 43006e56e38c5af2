"""Gaps in liaison, one small hand-built territory per kind (DESIGN.md §4).

The base territory is healthy: a PETR and its member EPCI, the PETR's director and the EPCI's
DGS meet every month (with a lunch now and then), and the EPCI's president sits in the PETR
and sees the PETR's president informally. Each test breaks one thing and checks the report.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from graph.gaps import GAP_KINDS, SEVERITIES, find_gaps, summary
from graph.rows import (
    AffiliationRow,
    AnalysisSettings,
    InstitutionRow,
    InteractionRow,
    MembershipRow,
    PersonRow,
    Territory,
)

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = datetime(2026, 1, 1, tzinfo=UTC)

PETR, COTEAUX, PLATEAU, SOUS_PREF = 1, 2, 3, 4
ANNE, PAUL = 10, 11  # PETR: director, president
BRUNO, CHLOE, EVA = 20, 21, 22  # CC des Coteaux: DGS, president (also PETR delegate), technician


def on(month: int, day: int = 15) -> datetime:
    return datetime(2025, month, day, 10, tzinfo=UTC)


@dataclass
class Scenario:
    """A territory being written by a test, and its interactions."""

    institutions: list = field(
        default_factory=lambda: [
            InstitutionRow(PETR, "PETR du Val", "petr", siren="200000001"),
            InstitutionRow(COTEAUX, "CC des Coteaux", "epci", "CC", "200000172"),
        ]
    )
    memberships: list = field(default_factory=lambda: [MembershipRow(COTEAUX, PETR)])
    people: list = field(default_factory=list)
    affiliations: list = field(default_factory=list)
    expected: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    body: int | None = PETR

    def person(self, pid, name, *roles):
        self.people.append(PersonRow(pid, name))
        for inst, category, title in roles:
            self.affiliations.append(AffiliationRow(pid, inst, category, title))
        return self

    def meet(self, when, *people, informal=False, bodies=()):
        kind = "informal" if informal else "meeting"
        self.rows.append(InteractionRow(len(self.rows) + 1, when, kind, not informal, people, bodies))
        return self

    def territory(self):
        return Territory(
            self.body,
            tuple(self.institutions),
            tuple(self.memberships),
            tuple(self.people),
            tuple(self.affiliations),
            tuple(self.expected),
        )

    def gaps(self, **settings):
        return find_gaps(
            self.territory(), self.rows, since=SINCE, until=UNTIL, settings=AnalysisSettings(**settings)
        )


def healthy() -> Scenario:
    s = Scenario()
    s.person(ANNE, "Anne Petit", (PETR, "executive", "Directrice"))
    s.person(PAUL, "Paul Roux", (PETR, "elected", "Président"))
    s.person(BRUNO, "Bruno Martin", (COTEAUX, "executive", "DGS"))
    s.person(CHLOE, "Chloé Durand", (COTEAUX, "elected", "Présidente"), (PETR, "elected", "Déléguée"))
    for month in range(1, 13):
        s.meet(on(month), ANNE, BRUNO, informal=month % 3 == 0)
        s.meet(on(month, 20), ANNE, CHLOE)
        s.meet(on(month, 25), PAUL, BRUNO, CHLOE)
    s.meet(on(12, 1), PAUL, CHLOE, informal=True)
    return s


def of_kind(gaps, kind):
    return [g for g in gaps if g["kind"] == kind]


def institution_ids(gap):
    return [i["id"] for i in gap["institutions"]]


def test_a_healthy_liaison_raises_nothing():
    assert healthy().gaps() == []


class TestMissingLiaison:
    def test_a_member_never_met_is_missing(self):
        s = healthy()
        s.institutions.append(InstitutionRow(PLATEAU, "CA du Plateau", "epci", "CA", "200000180"))
        s.memberships.append(MembershipRow(PLATEAU, PETR))
        s.person(30, "Denis Morel", (PLATEAU, "executive", "Directeur général des services"))
        (gap,) = of_kind(s.gaps(), "missing_liaison")
        assert gap["severity"] == "high"
        assert gap["institutions"] == [
            {"id": PETR, "name": "PETR du Val", "siren": "200000001"},
            {"id": PLATEAU, "name": "CA du Plateau", "siren": "200000180"},
        ]
        assert gap["people"] == [{"id": 30, "name": "Denis Morel"}]  # whom to call first
        assert gap["evidence"] == {"interactions": 0, "last_contact": None, "expected": "membership"}
        assert "CA du Plateau" in gap["recommendation"]
        assert "Denis Morel" in gap["recommendation"]

    def test_configured_pairs_are_expected_too(self):
        s = healthy()
        s.institutions.append(InstitutionRow(SOUS_PREF, "Sous-préfecture de Vals", "state_service"))
        s.expected.append((SOUS_PREF, PETR))
        (gap,) = of_kind(s.gaps(), "missing_liaison")
        assert institution_ids(gap) == [PETR, SOUS_PREF]  # the body's side first
        assert gap["evidence"]["expected"] == "configured"
        assert "identifier" in gap["recommendation"].lower()

    def test_a_former_member_is_not_expected(self):
        s = healthy()
        s.institutions.append(InstitutionRow(PLATEAU, "CA du Plateau", "epci"))
        s.memberships.append(MembershipRow(PLATEAU, PETR, valid_to=date(2024, 12, 31)))
        assert s.gaps() == []


class TestDormantLiaison:
    def test_no_contact_for_more_than_the_dormancy_threshold(self):
        s = healthy()
        s.rows = [r for r in s.rows if r.occurred_at < on(6, 1)]
        (gap,) = of_kind(s.gaps(), "dormant_liaison")
        assert gap["severity"] == "high"  # more than twice the threshold
        assert gap["evidence"]["last_contact"] == "2025-05-25"
        assert gap["evidence"]["days_since_last_contact"] == (UNTIL - on(5, 25)).days
        assert gap["evidence"]["dormancy_days"] == 90
        assert "2025-05-25" in gap["recommendation"]

    def test_threshold_is_a_setting(self):
        s = healthy()
        s.rows = [r for r in s.rows if r.occurred_at < on(11, 1)]
        assert of_kind(s.gaps(), "dormant_liaison") == []
        (gap,) = of_kind(s.gaps(dormancy_days=45), "dormant_liaison")
        assert gap["severity"] == "medium"


class TestSingleThread:
    def test_everything_through_one_person_on_each_side(self):
        s = Scenario()
        s.person(ANNE, "Anne Petit", (PETR, "executive", "Directrice"))
        s.person(BRUNO, "Bruno Martin", (COTEAUX, "executive", "DGS"))
        for month in (9, 10, 11, 12):
            s.meet(on(month), ANNE, BRUNO, informal=True)
        (gap,) = of_kind(s.gaps(), "single_thread")
        assert gap["severity"] == "high"
        assert [p["id"] for p in gap["people"]] == [ANNE, BRUNO]
        assert gap["evidence"]["carried_by"] == [
            {"institution_id": PETR, "person_id": ANNE},
            {"institution_id": COTEAUX, "person_id": BRUNO},
        ]
        assert "second interlocuteur" in gap["recommendation"]

    def test_one_side_only(self):
        s = healthy()
        s.rows = [r for r in s.rows if CHLOE not in r.person_ids]  # only Bruno for the EPCI…
        s.meet(on(6), PAUL, BRUNO)  # …but two people for the PETR
        (gap,) = of_kind(s.gaps(), "single_thread")
        assert gap["severity"] == "medium"
        assert gap["people"] == [{"id": BRUNO, "name": "Bruno Martin"}]
        assert "CC des Coteaux" in gap["recommendation"] and "Bruno Martin" in gap["recommendation"]


def test_formal_only_when_several_interactions_are_all_formal():
    s = healthy()
    s.rows = [replace(r, kind="meeting", formal=True) for r in s.rows]
    (gap,) = of_kind(s.gaps(), "formal_only")
    assert gap["severity"] == "medium"
    assert (gap["evidence"]["interactions"], gap["evidence"]["informal_interactions"]) == (37, 0)
    assert "déjeuner" in gap["recommendation"]


class TestUnidentifiedKeyRole:
    def test_a_member_where_nobody_heads_anything(self):
        s = Scenario()
        s.person(ANNE, "Anne Petit", (PETR, "executive", "Directrice"))
        s.person(EVA, "Eva Blanc", (COTEAUX, "technical", "Chargée de mission mobilité"))
        (gap,) = of_kind(s.gaps(), "unidentified_key_role")
        assert (gap["severity"], institution_ids(gap)) == ("high", [COTEAUX])
        assert gap["evidence"]["missing"] == ["executive_head", "elected_head"]
        assert "DGS" in gap["recommendation"] and "CC des Coteaux" in gap["recommendation"]

    def test_a_member_whose_dgs_is_unknown(self):
        s = healthy()
        s.affiliations = [a for a in s.affiliations if a.person_id != BRUNO]
        (gap,) = of_kind(s.gaps(), "unidentified_key_role")
        assert gap["severity"] == "medium"
        assert gap["evidence"] == {"missing": ["executive_head"], "known_key_roles": ["Présidente"]}

    def test_a_state_service_needs_only_its_head_of_services(self):
        s = healthy()
        s.institutions.append(InstitutionRow(SOUS_PREF, "Sous-préfecture de Vals", "state_service"))
        s.expected.append((PETR, SOUS_PREF))
        s.person(40, "Sophie Lenoir", (SOUS_PREF, "executive", "Sous-préfète"))
        s.meet(on(12), ANNE, 40)
        assert of_kind(s.gaps(), "unidentified_key_role") == []


def test_no_elected_bridge_when_no_elu_of_the_epci_sits_in_the_petr():
    s = healthy()
    s.affiliations = [a for a in s.affiliations if (a.person_id, a.institution_id) != (CHLOE, PETR)]
    (gap,) = of_kind(s.gaps(), "no_elected_bridge")
    assert (gap["severity"], institution_ids(gap)) == ("medium", [PETR, COTEAUX])
    assert gap["people"] == [{"id": CHLOE, "name": "Chloé Durand"}]  # whom to invite
    assert gap["evidence"] == {"elected_known_in_member": 1, "elected_known_in_body": 1}
    assert "bureau" in gap["recommendation"] and "Chloé Durand" in gap["recommendation"]


def test_isolated_actor_holds_a_key_role_and_took_part_in_nothing():
    s = healthy()
    s.person(23, "Gilles Faure", (COTEAUX, "executive", "Directeur de l'aménagement"))
    (gap,) = of_kind(s.gaps(), "isolated_actor")
    assert gap["people"] == [{"id": 23, "name": "Gilles Faure"}]
    assert institution_ids(gap) == [COTEAUX]
    assert gap["evidence"] == {"interactions": 0, "key_roles": ["Directeur de l'aménagement"]}
    assert "Gilles Faure" in gap["recommendation"]


class TestWhoHoldsARoleNow:
    """Key roles and seats are those held on the window's last day: after an election, the
    outgoing president is nobody to meet, and the newcomer is who the PETR must find."""

    @staticmethod
    def after_an_election() -> Scenario:
        s = healthy()
        # Chloé left both councils in October; Hugo presides the CC since, and nobody knows him yet.
        s.affiliations = [replace(a, end=date(2025, 10, 5)) if a.person_id == CHLOE else a for a in s.affiliations]
        s.person(30, "Hugo Blanc")
        s.affiliations.append(AffiliationRow(30, COTEAUX, "elected", "Président", start=date(2025, 10, 6)))
        return s

    def test_the_newcomer_is_the_isolated_one_not_the_outgoing_president(self):
        s = self.after_an_election()
        # She took part in nothing either (the others' meetings stay).
        s.rows = [replace(r, person_ids=tuple(p for p in r.person_ids if p != CHLOE)) for r in s.rows]
        (gap,) = of_kind(s.gaps(), "isolated_actor")
        assert gap["people"] == [{"id": 30, "name": "Hugo Blanc"}]

    def test_a_seat_given_up_no_longer_bridges_the_bodies(self):
        (gap,) = of_kind(self.after_an_election().gaps(), "no_elected_bridge")
        assert gap["people"] == [{"id": 30, "name": "Hugo Blanc"}]  # the president to invite now

    def test_a_key_role_left_vacant_is_unidentified(self):
        s = healthy()
        s.affiliations = [replace(a, end=date(2025, 10, 5)) if a.person_id == CHLOE else a for a in s.affiliations]
        (gap,) = of_kind(s.gaps(), "unidentified_key_role")
        assert gap["evidence"] == {"missing": ["elected_head"], "known_key_roles": ["DGS"]}


class TestBrokerDependency:
    def test_the_only_bridge_between_the_body_and_a_member(self):
        s = healthy()
        # Chloé and Eva talk only to Bruno, and Bruno alone talks to the PETR. (Chloé must
        # not sit in the PETR either: a seat there would keep both bodies together.)
        s.affiliations = [a for a in s.affiliations if (a.person_id, a.institution_id) != (CHLOE, PETR)]
        s.rows = [r for r in s.rows if CHLOE not in r.person_ids]
        s.person(EVA, "Eva Blanc", (COTEAUX, "technical", "Chargée de mission"))
        s.meet(on(11), BRUNO, CHLOE, EVA)
        (gap,) = of_kind(s.gaps(), "broker_dependency")
        assert (gap["severity"], institution_ids(gap)) == ("high", [PETR, COTEAUX])
        assert gap["people"] == [{"id": BRUNO, "name": "Bruno Martin"}]
        assert gap["evidence"]["cut_off_institutions"] == [COTEAUX]
        assert "Bruno Martin" in gap["recommendation"]

    def test_no_dependency_when_a_second_path_exists(self):
        s = healthy()
        s.person(EVA, "Eva Blanc", (COTEAUX, "technical", "Chargée de mission"))
        s.meet(on(11), BRUNO, EVA)
        assert of_kind(s.gaps(), "broker_dependency") == []


class TestWeakeningLiaison:
    def test_activity_halved_against_the_period_before(self):
        s = healthy()
        s.rows = [r for r in s.rows if r.occurred_at < on(7, 1)]
        s.meet(on(12), ANNE, BRUNO, CHLOE, informal=True)
        (gap,) = of_kind(s.gaps(), "weakening_liaison")
        assert gap["severity"] == "medium"
        assert (gap["evidence"]["previous_interactions"], gap["evidence"]["recent_interactions"]) == (18, 1)
        assert gap["evidence"]["recent_period"] == {"since": "2025-07-02", "until": "2026-01-01"}
        assert "plan d'action partagé" in gap["recommendation"]

    def test_a_dormant_liaison_is_not_also_reported_as_weakening(self):
        s = healthy()
        s.rows = [r for r in s.rows if r.occurred_at < on(7, 1)]
        kinds = {g["kind"] for g in s.gaps()}
        assert "dormant_liaison" in kinds and "weakening_liaison" not in kinds


class TestEdgeCases:
    def test_empty_territory(self):
        empty = Territory(None, (), (), (), ())
        assert find_gaps(empty, [], since=SINCE, until=UNTIL) == []

    def test_no_interactions_at_all(self):
        s = healthy()
        s.rows = []
        kinds = [g["kind"] for g in s.gaps()]
        assert kinds == ["missing_liaison", "isolated_actor", "isolated_actor", "isolated_actor", "isolated_actor"]

    def test_one_person(self):
        s = Scenario(memberships=[])
        s.person(ANNE, "Anne Petit", (PETR, "executive", "Directrice"))
        (gap,) = s.gaps()
        assert (gap["kind"], gap["people"]) == ("isolated_actor", [{"id": ANNE, "name": "Anne Petit"}])
        s.meet(on(3), ANNE)  # a note to self still counts as taking part
        assert s.gaps() == []

    def test_a_workspace_without_body_watches_its_configured_pairs(self):
        s = healthy()
        s.body = None
        s.expected.append((PETR, COTEAUX))
        assert s.gaps() == []
        s.rows = []
        assert "missing_liaison" in {g["kind"] for g in s.gaps()}


def test_gaps_are_sorted_by_severity_then_kind_then_institution_name():
    s = Scenario()
    s.institutions.append(InstitutionRow(PLATEAU, "CA du Plateau", "epci"))
    s.memberships.append(MembershipRow(PLATEAU, PETR))
    gaps = s.gaps()
    keys = [(SEVERITIES.index(g["severity"]), GAP_KINDS.index(g["kind"])) for g in gaps]
    assert keys == sorted(keys)
    missing = of_kind(gaps, "missing_liaison")
    assert [g["institutions"][1]["name"] for g in missing] == ["CA du Plateau", "CC des Coteaux"]
    assert s.gaps() == gaps  # same data, same report


def test_summary_counts_every_kind():
    s = Scenario()
    result = summary(s.gaps())
    assert result["total"] == 3
    assert set(result["by_kind"]) == set(GAP_KINDS)
    assert result["by_severity"] == {"high": 2, "medium": 1, "low": 0}


def test_every_gap_has_the_documented_shape():
    s = healthy()
    s.rows = s.rows[:3]
    s.institutions.append(InstitutionRow(PLATEAU, "CA du Plateau", "epci"))
    s.memberships.append(MembershipRow(PLATEAU, PETR))
    for gap in s.gaps():
        assert set(gap) == {"kind", "severity", "institutions", "people", "evidence", "recommendation"}
        assert gap["kind"] in GAP_KINDS and gap["severity"] in SEVERITIES
        assert all(set(i) == {"id", "name", "siren"} for i in gap["institutions"])
        assert all(set(p) == {"id", "name"} for p in gap["people"])
        assert gap["recommendation"].endswith(".")


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
def test_both_backends_find_the_same_gaps(backend):
    s = healthy()
    s.rows = [r for r in s.rows if CHLOE not in r.person_ids]
    s.meet(on(11), BRUNO, CHLOE)
    reference = find_gaps(s.territory(), s.rows, since=SINCE, until=UNTIL, backend="networkx")
    assert find_gaps(s.territory(), s.rows, since=SINCE, until=UNTIL, backend=backend) == reference


def test_old_interactions_outside_the_window_are_ignored():
    s = healthy()
    s.meet(SINCE - timedelta(days=10), ANNE, BRUNO)
    assert s.gaps() == []
