"""Loading a workspace as the plain rows the ``graph`` layer reads.

A few set-based queries, no ORM objects: the analysis of a territory of 3,000 people and
50,000 interactions must load in a fraction of a second.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import (
    Affiliation,
    ExpectedLiaison,
    Institution,
    InstitutionMembership,
    Interaction,
    Participation,
    Person,
    Topic,
    Workspace,
    interaction_topics,
)
from app.services.territory import territory_institution_ids
from graph.rows import (
    AffiliationRow,
    InstitutionRow,
    InteractionRow,
    MembershipRow,
    PersonRow,
    Territory,
)

CHUNK = 900


def load_territory(session: Session, *, workspace: Workspace) -> Territory:
    """The workspace's territory, people and affiliations, and its configured expected liaisons."""
    people = [
        PersonRow(id=person_id, name=name)
        for person_id, name in session.execute(
            select(Person.id, Person.full_name).where(Person.workspace_id == workspace.id).order_by(Person.id)
        )
    ]
    affiliations = [
        AffiliationRow(person_id=row.person_id, institution_id=row.institution_id,
                       role_category=row.role_category, title=row.title, start=row.start, end=row.end)
        for row in session.execute(
            select(Affiliation.person_id, Affiliation.institution_id, Affiliation.role_category, Affiliation.title,
                   Affiliation.start, Affiliation.end)
            .join(Person, Person.id == Affiliation.person_id)
            .where(Person.workspace_id == workspace.id)
            .order_by(Affiliation.id)
        )
    ]
    expected = [
        (a, b)
        for a, b in session.execute(
            select(ExpectedLiaison.institution_a_id, ExpectedLiaison.institution_b_id)
            .where(ExpectedLiaison.workspace_id == workspace.id)
            .order_by(ExpectedLiaison.id)
        )
    ]
    participating = set(
        session.scalars(
            select(Participation.institution_id)
            .join(Interaction, Interaction.id == Participation.interaction_id)
            .where(Interaction.workspace_id == workspace.id, Participation.institution_id.is_not(None))
            .distinct()
        )
    )
    ids = territory_institution_ids(session, workspace=workspace)
    ids |= {a.institution_id for a in affiliations} | participating | {x for pair in expected for x in pair}
    institutions: list[InstitutionRow] = []
    memberships: list[MembershipRow] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        institutions.extend(
            InstitutionRow(id=row.id, name=row.name, kind=row.kind, subtype=row.subtype, siren=row.siren)
            for row in session.execute(
                select(Institution.id, Institution.name, Institution.kind, Institution.subtype, Institution.siren)
                .where(Institution.id.in_(chunk))
            )
        )
        memberships.extend(
            MembershipRow(member_id=row.member_id, group_id=row.group_id, valid_from=row.valid_from,
                          valid_to=row.valid_to)
            for row in session.execute(
                select(InstitutionMembership.member_id, InstitutionMembership.group_id,
                       InstitutionMembership.valid_from, InstitutionMembership.valid_to)
                .where(InstitutionMembership.group_id.in_(chunk),
                       or_(InstitutionMembership.workspace_id.is_(None),
                           InstitutionMembership.workspace_id == workspace.id))
            )
            if row.member_id in ids
        )
    institutions.sort(key=lambda row: row.id)
    memberships.sort(key=lambda row: (row.group_id, row.member_id))
    return Territory(
        body_id=workspace.body_id,
        institutions=tuple(institutions),
        memberships=tuple(memberships),
        people=tuple(people),
        affiliations=tuple(affiliations),
        expected_pairs=tuple(expected),
    )


def load_interactions(
    session: Session, *, workspace: Workspace, since: datetime | None = None, until: datetime | None = None
) -> list[InteractionRow]:
    """The workspace's interactions in ``[since, until)`` with participants and topics."""
    window = [Interaction.workspace_id == workspace.id]
    if since is not None:
        window.append(Interaction.occurred_at >= since)
    if until is not None:
        window.append(Interaction.occurred_at < until)
    people: dict[int, list[int]] = defaultdict(list)
    bodies: dict[int, list[int]] = defaultdict(list)
    for interaction_id, person_id, institution_id in session.execute(
        select(Participation.interaction_id, Participation.person_id, Participation.institution_id)
        .join(Interaction, Interaction.id == Participation.interaction_id)
        .where(*window)
    ):
        if person_id is not None:
            people[interaction_id].append(person_id)
        else:
            bodies[interaction_id].append(institution_id)
    topics: dict[int, list[str]] = defaultdict(list)
    for interaction_id, name in session.execute(
        select(interaction_topics.c.interaction_id, Topic.name)
        .join(Topic, Topic.id == interaction_topics.c.topic_id)
        .join(Interaction, Interaction.id == interaction_topics.c.interaction_id)
        .where(*window)
    ):
        topics[interaction_id].append(name)
    return [
        InteractionRow(
            id=row.id, occurred_at=row.occurred_at, kind=row.kind, formal=row.formal,
            person_ids=tuple(people.get(row.id, ())), institution_ids=tuple(bodies.get(row.id, ())),
            topics=tuple(topics.get(row.id, ())),
        )
        for row in session.execute(
            select(Interaction.id, Interaction.occurred_at, Interaction.kind, Interaction.formal)
            .where(*window)
            .order_by(Interaction.occurred_at, Interaction.id)
        )
    ]
