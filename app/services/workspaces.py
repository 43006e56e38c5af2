"""Workspaces: one territory's map each."""

import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.models import Workspace
from app.services import audit

SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")

DEFAULT_SETTINGS: dict[str, Any] = {
    "window_days": 365,
    "dormancy_days": 90,
    "half_life_days": None,
    "weakening_ratio": 0.5,
}


def validate_slug(slug: str) -> str:
    if not SLUG_PATTERN.fullmatch(slug or ""):
        raise Invalid(
            f"invalid workspace slug {slug!r}: use 1 to 64 lowercase letters, digits and dashes, "
            "starting with a letter or digit"
        )
    return slug


def get_workspace(session: Session, *, slug: str) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if workspace is None:
        raise NotFound(f"no workspace {slug!r}")
    return workspace


def find_workspace(session: Session, *, slug: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.slug == slug))


def create_workspace(session: Session, *, slug: str, name: str | None = None, actor: str = "cli") -> Workspace:
    validate_slug(slug)
    if find_workspace(session, slug=slug) is not None:
        raise Conflict(f"workspace {slug!r} already exists")
    name = (name or slug).strip()
    if not name or len(name) > 200:
        raise Invalid("a workspace name has 1 to 200 characters")
    workspace = Workspace(slug=slug, name=name, settings=dict(DEFAULT_SETTINGS))
    session.add(workspace)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="workspace",
        object_id=workspace.id, details={"slug": slug},
    )
    return workspace


def workspace_settings(workspace: Workspace) -> dict[str, Any]:
    """The workspace's analysis settings, with defaults for what it does not set."""
    return {**DEFAULT_SETTINGS, **(workspace.settings or {})}


def bump_data_version(session: Session, *, workspace_id: int) -> None:
    """Mark the workspace's data as changed, so cached analyses are recomputed."""
    session.execute(
        update(Workspace).where(Workspace.id == workspace_id).values(data_version=Workspace.data_version + 1)
    )
