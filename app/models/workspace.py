"""A workspace: one territory's map (e.g. one PETR), owning its people and interactions."""

from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from app.models.institution import Institution


class Workspace(TimestampMixin, Base):
    __tablename__ = "workspaces"
    __table_args__ = (
        UniqueConstraint("slug"),
        CheckConstraint("length(slug) BETWEEN 1 AND 64", name="slug_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    # The territorial body the workspace is about (a PETR, pays, PNR or syndicat), if any.
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL", use_alter=True), nullable=True
    )
    # Analysis settings (window, dormancy threshold, half-life); see app.services.workspaces.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Bumped on every write that can change an analysis: caches are keyed on it.
    data_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    body: Mapped["Institution | None"] = relationship(foreign_keys=[body_id])


class ExpectedLiaison(TimestampMixin, Base):
    """A pair of institutions that should be in regular contact, configured per workspace.

    The body ↔ each direct member pairs are implied and not stored here.
    """

    __tablename__ = "expected_liaisons"
    __table_args__ = (
        UniqueConstraint("workspace_id", "institution_a_id", "institution_b_id"),
        CheckConstraint("institution_a_id <> institution_b_id", name="distinct_sides"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    institution_a_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    institution_b_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    note: Mapped[str | None] = mapped_column(String(500))
