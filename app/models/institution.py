"""Institutions (structures) and the memberships between them."""

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin
from app.models.enums import InstitutionKind, check_in


def _unique_per_scope(*columns: str) -> tuple[Index, Index]:
    """Unique ``columns`` among the referential's institutions, and within each workspace."""
    name = "_".join(columns)
    referential = text("workspace_id IS NULL")
    local = text("workspace_id IS NOT NULL")
    return (
        Index(f"ux_institutions_referential_{name}", *columns, unique=True,
              sqlite_where=referential, postgresql_where=referential),
        Index(f"ux_institutions_workspace_{name}", "workspace_id", *columns, unique=True,
              sqlite_where=local, postgresql_where=local),
    )


class Institution(TimestampMixin, Base):
    """A public body. ``workspace_id`` is NULL for the national referential shared by all."""

    __tablename__ = "institutions"
    __table_args__ = (
        # A SIREN (or a kind and INSEE code) names one institution of the referential, and one
        # per workspace among its own: two workspaces may each hold the same chamber or
        # association, and the referential may later list a body a workspace created first.
        *_unique_per_scope("siren"),
        *_unique_per_scope("kind", "insee_code"),
        Index("ix_institutions_siren", "siren"),
        Index("ix_institutions_kind_insee_code", "kind", "insee_code"),
        CheckConstraint(check_in("kind", InstitutionKind), name="kind"),
        CheckConstraint("siren IS NULL OR length(siren) = 9", name="siren_length"),
        Index("ix_institutions_workspace_id_kind", "workspace_id", "kind"),
        Index("ix_institutions_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    # e.g. CC/CA/CU/METRO for an EPCI, prefecture/sous_prefecture/ddt for a State service.
    subtype: Mapped[str | None] = mapped_column(String(40))
    siren: Mapped[str | None] = mapped_column(String(9))
    # COG code: commune (5 chars), département (2–3), région (2).
    insee_code: Mapped[str | None] = mapped_column(String(5))
    # Geographic attachment, for communes and State services: lets a territory find the
    # départements and régions it lies in without a membership row per commune.
    departement_code: Mapped[str | None] = mapped_column(String(3), index=True)
    region_code: Mapped[str | None] = mapped_column(String(2))
    population: Mapped[int | None] = mapped_column(Integer)


class InstitutionMembership(TimestampMixin, Base):
    """``member`` belongs to ``group``: commune ∈ EPCI, EPCI ∈ PETR, département ∈ région…

    ``workspace_id`` is NULL for memberships of the national referential.
    """

    __tablename__ = "institution_memberships"
    __table_args__ = (
        UniqueConstraint("member_id", "group_id", "valid_from"),
        CheckConstraint("member_id <> group_id", name="not_self"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True, index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
