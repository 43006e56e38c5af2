"""Reading, editing and deleting interactions of a workspace."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.errors import NotFound
from app.models import Affiliation, Interaction, Participation, Topic, Workspace, interaction_topics
from app.schemas.interactions import InteractionIn, InteractionRead, InteractionUpdate, ParticipantRead
from app.services import audit
from app.services.ingest import ingest_interactions
from app.services.workspaces import bump_data_version


def _filtered(
    workspace: Workspace,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    person_id: int | None = None,
    institution_id: int | None = None,
    kind: str | None = None,
    topic: str | None = None,
    source: str | None = None,
) -> Select:
    query = select(Interaction).where(Interaction.workspace_id == workspace.id)
    if since is not None:
        query = query.where(Interaction.occurred_at >= since)
    if until is not None:
        query = query.where(Interaction.occurred_at < until)
    if kind is not None:
        query = query.where(Interaction.kind == kind)
    if source is not None:
        query = query.where(Interaction.source == source)
    if person_id is not None:
        query = query.where(
            exists().where(Participation.interaction_id == Interaction.id, Participation.person_id == person_id)
        )
    if institution_id is not None:
        # The body took part itself, or through someone affiliated to it.
        query = query.where(
            exists().where(
                Participation.interaction_id == Interaction.id,
                or_(
                    Participation.institution_id == institution_id,
                    Participation.person_id.in_(
                        select(Affiliation.person_id).where(Affiliation.institution_id == institution_id)
                    ),
                ),
            )
        )
    if topic is not None:
        query = query.where(
            exists().where(
                interaction_topics.c.interaction_id == Interaction.id,
                interaction_topics.c.topic_id == Topic.id,
                Topic.workspace_id == workspace.id,
                Topic.name == topic,
            )
        )
    return query


def list_interactions(
    session: Session, *, workspace: Workspace, limit: int, offset: int, **filters: Any
) -> tuple[list[InteractionRead], int]:
    query = _filtered(workspace, **filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Interaction.participations), selectinload(Interaction.topics))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [to_read(row) for row in rows], total


def get_interaction(session: Session, *, workspace: Workspace, interaction_id: int) -> Interaction:
    interaction = session.scalar(
        select(Interaction)
        .where(Interaction.id == interaction_id, Interaction.workspace_id == workspace.id)
        .options(selectinload(Interaction.participations), selectinload(Interaction.topics))
    )
    if interaction is None:
        raise NotFound(f"no interaction {interaction_id}")
    return interaction


def to_read(interaction: Interaction) -> InteractionRead:
    return InteractionRead(
        id=interaction.id,
        external_id=interaction.external_id,
        source=interaction.source,
        occurred_at=interaction.occurred_at,
        kind=interaction.kind,
        formal=interaction.formal,
        title=interaction.title,
        summary=interaction.summary,
        location=interaction.location,
        topics=sorted(topic.name for topic in interaction.topics),
        participants=[
            ParticipantRead(person_id=p.person_id, institution_id=p.institution_id, role=p.role)
            for p in sorted(interaction.participations, key=lambda p: (p.person_id or 0, p.institution_id or 0))
        ],
        created_at=interaction.created_at,
        updated_at=interaction.updated_at,
        created_by=interaction.created_by,
    )


def update_interaction(
    session: Session, *, workspace: Workspace, interaction_id: int, changes: InteractionUpdate, actor: str
) -> Interaction:
    """Apply a partial update through the same path as ingestion (validation, hashing, audit)."""
    current = get_interaction(session, workspace=workspace, interaction_id=interaction_id)
    document = {
        "external_id": current.external_id,
        "source": current.source,
        "occurred_at": current.occurred_at,
        "kind": current.kind,
        "formal": current.formal,
        "title": current.title,
        "summary": current.summary,
        "location": current.location,
        "topics": [topic.name for topic in current.topics],
        "participants": [
            {k: v for k, v in (("person_id", p.person_id), ("institution_id", p.institution_id), ("role", p.role)) if v}
            for p in current.participations
        ],
    }
    document.update(changes.model_dump(exclude_unset=True))
    item = InteractionIn.model_validate(document)
    ingest_interactions(session, workspace=workspace, items=[item], default_source=current.source, actor=actor)
    session.expire_all()
    return get_interaction(session, workspace=workspace, interaction_id=interaction_id)


def delete_interaction(session: Session, *, workspace: Workspace, interaction_id: int, actor: str) -> None:
    interaction = get_interaction(session, workspace=workspace, interaction_id=interaction_id)
    session.execute(delete(Interaction).where(Interaction.id == interaction.id))
    bump_data_version(session, workspace_id=workspace.id)
    audit.record(session, workspace_id=workspace.id, actor=actor, action="delete", object_type="interaction",
                 object_id=interaction_id, details={"source": interaction.source})
