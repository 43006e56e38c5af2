"""People (acteurs), their external references and their affiliations (fonctions, mandats)."""

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.enums import RoleCategory, check_in


class Person(TimestampMixin, Base):
    """A person of a workspace. No birth date is ever stored (data minimisation)."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("workspace_id", "email"),
        Index("ix_people_workspace_id_full_name", "workspace_id", "full_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    notes: Mapped[str | None] = mapped_column(Text)
    # Élus are public figures: their mandates are public information (RNE).
    is_public_figure: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    affiliations: Mapped[list["Affiliation"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )
    refs: Mapped[list["PersonRef"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class PersonRef(Base):
    """A person's identifier in another system: a CRM id, or the keyed RNE identity hash."""

    __tablename__ = "person_refs"
    __table_args__ = (UniqueConstraint("workspace_id", "source", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(100))
    ref: Mapped[str] = mapped_column(String(200))


class Affiliation(TimestampMixin, Base):
    """A person's role in an institution over a period (a mandate, a post)."""

    __tablename__ = "affiliations"
    __table_args__ = (
        CheckConstraint(check_in("role_category", RoleCategory), name="role_category"),
        CheckConstraint('"end" IS NULL OR start IS NULL OR "end" >= start', name="dates"),
        Index("ix_affiliations_institution_id", "institution_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    role_category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    # Where the affiliation came from (e.g. "rne", "csv", "api"), so re-imports update their own.
    source: Mapped[str | None] = mapped_column(String(100))

    person: Mapped[Person] = relationship(back_populates="affiliations")
