"""Interactions (échanges), who took part, and their topics."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.enums import InteractionKind, ParticipationRole, check_in

if TYPE_CHECKING:
    from app.models.person import Person


class Topic(Base):
    """A thématique (mobilité, habitat, santé…), per workspace."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))


interaction_topics = Table(
    "interaction_topics",
    Base.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Interaction(TimestampMixin, Base):
    __tablename__ = "interactions"
    __table_args__ = (
        # The idempotency key: a client re-sending the same (source, external_id) updates, never duplicates.
        UniqueConstraint("workspace_id", "source", "external_id"),
        CheckConstraint(check_in("kind", InteractionKind), name="kind"),
        Index("ix_interactions_workspace_id_occurred_at", "workspace_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    formal: Mapped[bool] = mapped_column(Boolean)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    # Digest of the client-supplied content: tells "unchanged" from "updated" on a replay.
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(200))

    participations: Mapped[list["Participation"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    topics: Mapped[list[Topic]] = relationship(secondary=interaction_topics)


class Participation(Base):
    """A person (or, when only the body is known, an institution) taking part in an interaction."""

    __tablename__ = "participations"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NOT NULL AND institution_id IS NULL) OR (person_id IS NULL AND institution_id IS NOT NULL)",
            name="person_or_institution",
        ),
        CheckConstraint(f"role IS NULL OR {check_in('role', ParticipationRole)}", name="role"),
        UniqueConstraint("interaction_id", "person_id"),
        UniqueConstraint("interaction_id", "institution_id"),
        Index("ix_participations_person_id_interaction_id", "person_id", "interaction_id"),
        Index("ix_participations_institution_id", "institution_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(20))

    person: Mapped["Person | None"] = relationship()
