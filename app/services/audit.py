"""Writing the audit trail."""

from typing import Any

from sqlalchemy.orm import Session

from app.models import AuditEntry


def record(
    session: Session,
    *,
    workspace_id: int | None,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit entry. ``details`` must not carry names or contacts of people."""
    entry = AuditEntry(
        workspace_id=workspace_id,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    session.add(entry)
    return entry
