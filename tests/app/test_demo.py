"""The demo workspace: the real Pays Lauragais, fictitious people, planted liaison problems.

These tests check the planted problems in the raw data; the analysis tests check that the gap
report finds them.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import Affiliation, Institution, Interaction, Participation, Person
from app.services import demo
from app.services.demo import create_demo

TODAY = date(2026, 11, 25)


@pytest.fixture
def demo_ws(db):
    return create_demo(db, today=TODAY).workspace


def pair_interactions(db, workspace, epci_siren):
    """Interactions with at least one PETR person and one person of the EPCI, with the EPCI's people."""
    petr_id = workspace.body_id
    epci_id = db.scalar(select(Institution.id).where(Institution.siren == epci_siren))
    members = lambda inst: select(Affiliation.person_id).where(Affiliation.institution_id == inst)  # noqa: E731
    rows = db.execute(
        select(Interaction.id, Interaction.occurred_at, Interaction.formal, Participation.person_id)
        .join(Participation, Participation.interaction_id == Interaction.id)
        .where(Interaction.workspace_id == workspace.id)
    ).all()
    petr_people = set(db.scalars(members(petr_id)))
    epci_people = set(db.scalars(members(epci_id)))
    by_interaction: dict[int, dict] = {}
    for interaction_id, occurred_at, formal, person_id in rows:
        entry = by_interaction.setdefault(interaction_id, {"at": occurred_at, "formal": formal, "people": set()})
        entry["people"].add(person_id)
    return [
        {**entry, "epci_people": entry["people"] & epci_people}
        for entry in by_interaction.values()
        if entry["people"] & petr_people and entry["people"] & epci_people
    ]


def test_demo_has_the_real_territory_and_fictitious_people(db, demo_ws):
    assert demo_ws.slug == "demo"
    people = db.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == demo_ws.id))
    assert people > 167  # a maire per commune, plus staff, delegates and State officials
    emails = db.scalars(select(Person.email).where(Person.workspace_id == demo_ws.id, Person.email.is_not(None)))
    assert all(email.endswith(".demo.invalid") for email in emails)
    names = db.scalars(select(Person.full_name).where(Person.workspace_id == demo_ws.id))
    assert all(name.split(" ", 1)[1] in demo.FICTITIOUS_SURNAMES for name in names)


def test_two_years_of_interactions(db, demo_ws):
    first, last, count = db.execute(
        select(func.min(Interaction.occurred_at), func.max(Interaction.occurred_at), func.count())
        .where(Interaction.workspace_id == demo_ws.id)
    ).one()
    assert count > 300
    assert first.date() <= TODAY - timedelta(days=700)
    assert last.date() >= TODAY - timedelta(days=21)


def test_demo_is_reproducible(db):
    first = create_demo(db, today=TODAY)
    names = list(db.scalars(select(Person.full_name).where(Person.workspace_id == first.workspace.id).order_by(Person.id)))
    second = create_demo(db, today=TODAY, reset=True)
    again = list(db.scalars(select(Person.full_name).where(Person.workspace_id == second.workspace.id).order_by(Person.id)))
    assert names == again and first.interactions == second.interactions


def test_planted_dormant_liaison(db, demo_ws):
    contacts = pair_interactions(db, demo_ws, demo.EPCI_DORMANT)
    assert contacts
    last = max(c["at"] for c in contacts)
    assert last.date() < TODAY - timedelta(days=180)


def test_planted_single_thread(db, demo_ws):
    contacts = pair_interactions(db, demo_ws, demo.EPCI_SINGLE_THREAD)
    assert len(contacts) > 10
    assert len(set().union(*(c["epci_people"] for c in contacts))) == 1


def test_planted_formal_only(db, demo_ws):
    contacts = pair_interactions(db, demo_ws, demo.EPCI_FORMAL_ONLY)
    assert len(contacts) > 10 and all(c["formal"] for c in contacts)


def test_planted_missing_key_roles_and_the_healthy_control(db, demo_ws):
    def titles(siren):
        return set(
            db.scalars(
                select(Affiliation.title).join(Institution, Institution.id == Affiliation.institution_id)
                .join(Person, Person.id == Affiliation.person_id)
                .where(Institution.siren == siren, Person.workspace_id == demo_ws.id)
            )
        )

    assert not {t for t in titles(demo.EPCI_DORMANT) if "Président" in t or "DGS" in t or "général" in t}
    assert {"Président", "Directrice générale des services"} <= titles(demo.CONTROL_EPCI)
    control = pair_interactions(db, demo_ws, demo.CONTROL_EPCI)
    assert any(not c["formal"] for c in control) and any(c["formal"] for c in control)
    assert len(set().union(*(c["epci_people"] for c in control))) >= 3
    assert max(c["at"] for c in control).date() >= TODAY - timedelta(days=30)
