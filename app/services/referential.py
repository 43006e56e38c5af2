"""The national referential: régions, départements, EPCI, communes and State services.

Shared by every workspace (``workspace_id IS NULL``). Loading is idempotent: rows are
compared with what the database holds and only differences are written.
"""

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.models import Institution, InstitutionMembership
from app.models.enums import InstitutionKind

REFERENTIAL_FILE = "france.json.gz"

# Columns the referential owns; anything else on a row (created_at…) is left alone.
_OWNED = ("name", "kind", "subtype", "siren", "insee_code", "departement_code", "region_code", "population")

Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    memberships_created: int = 0
    memberships_removed: int = 0
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values()) or sum(self.updated.values())
            or self.memberships_created or self.memberships_removed
        )


def read_referential_file() -> dict[str, Any]:
    data = resources.files("app.referential").joinpath("data", REFERENTIAL_FILE).read_bytes()
    return json.loads(gzip.decompress(data))


def _desired_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for code, name, population in document["regions"]:
        rows.append(_row(InstitutionKind.REGION, name, insee_code=code, region_code=code, population=population))
    for code, name, region, population in document["departements"]:
        rows.append(
            _row(InstitutionKind.DEPARTEMENT, name, insee_code=code, departement_code=code,
                 region_code=region, population=population)
        )
    for code, name, siren, departement, region, population in document["communes"]:
        rows.append(
            _row(InstitutionKind.COMMUNE, name, siren=siren, insee_code=code, departement_code=departement,
                 region_code=region, population=population)
        )
    departement_by_commune = {c[0]: (c[3], c[4]) for c in document["communes"]}
    for siren, name, subtype, population, members in document["epcis"]:
        # An EPCI's geographic attachment is that of its members when they all share one.
        departements = {departement_by_commune[m][0] for m in members}
        regions = {departement_by_commune[m][1] for m in members}
        rows.append(
            _row(InstitutionKind.EPCI, name, subtype=subtype, siren=siren,
                 departement_code=departements.pop() if len(departements) == 1 else None,
                 region_code=regions.pop() if len(regions) == 1 else None, population=population)
        )
    for siren, name, subtype, departement, region in document.get("state_services", []):
        rows.append(
            _row(InstitutionKind.STATE_SERVICE, name, subtype=subtype, siren=siren,
                 departement_code=departement, region_code=region)
        )
    return rows


def _row(kind: InstitutionKind, name: str, **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(_OWNED)
    row.update(values, name=name, kind=kind.value)
    return row


def _key(row: dict[str, Any]) -> tuple[str, str]:
    """Identity of a referential row: its SIREN where it has one, else its COG code and kind."""
    if row["kind"] in (InstitutionKind.EPCI, InstitutionKind.STATE_SERVICE):
        return ("siren", row["siren"])
    return (row["kind"], row["insee_code"])


def load_referential(
    session: Session, *, document: dict[str, Any] | None = None, progress: Progress | None = None
) -> LoadReport:
    """Insert or update the national referential; a second run with the same data writes nothing."""
    document = document or read_referential_file()
    report = LoadReport(source=document.get("source", {}))
    desired = _desired_rows(document)
    total_steps = len(desired) + len(document["epcis"]) + len(document["departements"])
    done = 0

    existing = {
        _key(row): row
        for row in session.execute(
            select(Institution.id, *(getattr(Institution, c) for c in _OWNED)).where(
                Institution.workspace_id.is_(None)
            )
        ).mappings()
    }
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for row in desired:
        current = existing.get(_key(row))
        kind = row["kind"]
        if current is None:
            to_insert.append(row)
            report.created[kind] = report.created.get(kind, 0) + 1
        elif any(current[c] != row[c] for c in _OWNED):
            to_update.append({"id": current["id"], **row})
            report.updated[kind] = report.updated.get(kind, 0) + 1
        else:
            report.unchanged[kind] = report.unchanged.get(kind, 0) + 1
    for chunk_start in range(0, len(to_insert), 5_000):
        chunk = to_insert[chunk_start : chunk_start + 5_000]
        session.execute(insert(Institution), chunk)
        done += len(chunk)
        if progress:
            progress("institutions", done, total_steps)
    if to_update:
        session.execute(update(Institution), to_update)
    done = len(desired)
    if progress:
        progress("institutions", done, total_steps)

    ids = {
        _key(row): row["id"]
        for row in session.execute(
            select(Institution.id, Institution.kind, Institution.siren, Institution.insee_code).where(
                Institution.workspace_id.is_(None)
            )
        ).mappings()
    }
    wanted: set[tuple[int, int]] = set()
    for siren, _name, _subtype, _population, members in document["epcis"]:
        group_id = ids[("siren", siren)]
        wanted.update((ids[(InstitutionKind.COMMUNE.value, code)], group_id) for code in members)
    for code, _name, region, _population in document["departements"]:
        wanted.add((ids[(InstitutionKind.DEPARTEMENT.value, code)], ids[(InstitutionKind.REGION.value, region)]))

    current_memberships = {
        (row.member_id, row.group_id): row.id
        for row in session.execute(
            select(InstitutionMembership.id, InstitutionMembership.member_id, InstitutionMembership.group_id)
            .join(Institution, Institution.id == InstitutionMembership.group_id)
            .where(InstitutionMembership.workspace_id.is_(None), Institution.kind.in_(("epci", "region")))
        )
    }
    missing = sorted(wanted - current_memberships.keys())
    obsolete = [current_memberships[pair] for pair in current_memberships.keys() - wanted]
    if missing:
        session.execute(
            insert(InstitutionMembership),
            [{"member_id": member, "group_id": group, "workspace_id": None} for member, group in missing],
        )
    if obsolete:
        session.execute(delete(InstitutionMembership).where(InstitutionMembership.id.in_(obsolete)))
    report.memberships_created = len(missing)
    report.memberships_removed = len(obsolete)
    if progress:
        progress("memberships", total_steps, total_steps)
    session.flush()
    return report
