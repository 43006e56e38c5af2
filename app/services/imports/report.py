"""What an import did (or, in a dry run, would do): counts, rows left out, rows refused."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.errors import Invalid

# ``progress(step, done, total)``: the CLI draws a bar with it.
Progress = Callable[[str, int, int], None]

# How many rows of one kind a report lists (counts are always complete).
MAX_LISTED = 1_000
# Rows outside the territory are the bulk of a national file: a few examples are enough.
LISTED_BY_REASON = {"outside_territory": 20}


@dataclass
class Counts:
    """What an import did to one object type. ``ended``: mandates a newer RNE release no longer
    lists, closed; ``deleted``: interactions whose event was cancelled since an earlier import."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0
    deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "ended": self.ended, "deleted": self.deleted}


@dataclass
class ImportReport:
    """The outcome of one import.

    ``counts`` by object type (people, affiliations, institutions, interactions); ``skipped``:
    rows deliberately left out, with a reason (outside the territory, unknown commune,
    cancelled event…); ``errors``: invalid rows (``{"line", "field", "message"}``) — an import
    with errors writes nothing unless ``skip_invalid`` was asked, in which case they are the
    rows left out.
    """

    kind: str
    dry_run: bool = False
    rows: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    info: dict[str, Any] = field(default_factory=dict)
    bad_lines: set[int | None] = field(default_factory=set)

    def count(self, name: str) -> Counts:
        return self.counts.setdefault(name, Counts())

    def skip(self, line: int | None, reason: str, message: str) -> None:
        total = self.skipped_by_reason.get(reason, 0)
        self.skipped_by_reason[reason] = total + 1
        if total < LISTED_BY_REASON.get(reason, MAX_LISTED):
            self.skipped.append({"line": line, "reason": reason, "message": message})

    def error(self, line: int | None, field_name: str, message: str) -> None:
        self.error_count += 1
        self.bad_lines.add(line)
        if len(self.errors) < MAX_LISTED:
            self.errors.append({"line": line, "field": field_name, "message": message})

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.ended or c.deleted for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "changed": self.changed,
            "counts": {name: counts.as_dict() for name, counts in self.counts.items()},
            "skipped": sorted(self.skipped, key=lambda s: (s["line"] or 0, s["reason"])),
            "skipped_by_reason": dict(sorted(self.skipped_by_reason.items())),
            "errors": self.errors,
            "error_count": self.error_count,
            "invalid_rows": len(self.bad_lines),
            "info": self.info,
        }

    def summary(self) -> dict[str, Any]:
        """Counts only: what goes in the audit trail (never a name, an email or a free-text value)."""
        return {
            "rows": self.rows,
            "counts": {name: counts.as_dict() for name, counts in self.counts.items()},
            "skipped": dict(sorted(self.skipped_by_reason.items())),
            "invalid": len(self.bad_lines),
        }

    def refuse_if_invalid(self, *, skip_invalid: bool, what: str = "rows") -> None:
        """Raise :class:`Invalid` listing every bad row unless ``skip_invalid`` (then they are left out)."""
        if not self.error_count or skip_invalid:
            return
        self.errors.sort(key=lambda e: e["line"] or 0)
        bad = len(self.bad_lines)
        raise Invalid(
            f"{bad} of {self.rows} {what} {'is' if bad == 1 else 'are'} invalid; nothing was written "
            "(fix them, or import the valid ones with --skip-invalid, or skip_invalid=true in the API)",
            details=list(self.errors),
        )


@contextmanager
def dry_run_scope(session: Session, dry_run: bool) -> Iterator[None]:
    """Run the block for real, or in a savepoint rolled back at the end (a dry run).

    A dry run goes through every query and write the real import would make, so its report is
    exactly what the import would do; then nothing of it remains.
    """
    if not dry_run:
        yield
        return
    savepoint = session.begin_nested()
    try:
        yield
    finally:
        if savepoint.is_active:
            savepoint.rollback()
