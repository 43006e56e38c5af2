"""Ingestion of interaction logs: the API's hot path.

A batch is validated whole, its references are resolved in a handful of queries (never one
per item), and it is written with bulk statements. All or nothing: any bad item raises
:class:`Invalid` with every error as ``{"index", "field", "message"}`` before anything is
written. Idempotent: ``(source, external_id)`` identifies an item; replaying it is
``unchanged``, or ``updated`` when its content changed.
"""

import hashlib
import logging
import random
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.models import (
    Affiliation,
    Institution,
    Interaction,
    Participation,
    Person,
    PersonRef,
    Topic,
    Workspace,
    interaction_topics,
)
from app.models.base import utcnow
from app.models.enums import INFORMAL_BY_DEFAULT, ParticipationRole
from app.schemas.interactions import InteractionIn
from app.services import audit
from app.services.institutions import own_first, visible_institutions_filter
from app.services.workspaces import bump_data_version
from app.siren import is_valid_siren

logger = logging.getLogger("maillage.ingest")

PARTICIPATION_ROLES = frozenset(role.value for role in ParticipationRole)
IDENTITY_KEYS = ("person_id", "email", "ref", "name")
# Core tables, not ORM entities, for bulk statements: the ORM's per-row bookkeeping would
# cost as much as the inserts themselves (bench/ingest.py).
INTERACTIONS = Interaction.__table__
PARTICIPATIONS = Participation.__table__
# SQLite accepts 32,766 bound parameters per statement; stay well below on every backend.
CHUNK = 900
# First key of the PostgreSQL advisory lock taken to create people by name (the second is the
# workspace id): "ML" for Maillage.
NAMED_PEOPLE_LOCK = 0x4D4C


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)

    def add(self, other: "BatchOutcome") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.ids.extend(other.ids)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def normalize_name(name: str) -> str:
    """Case-, accent- and space-insensitive form of a person's name, for matching."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


_ELECTED = re.compile(r"\b(maire|adjoint|president|vice|conseill|delegue|elu|senat|depute)", re.I)
_EXECUTIVE = re.compile(r"\b(dgs|dga|directeur|directrice|direction|secretaire general|prefet|sous-prefet)", re.I)


def guess_role_category(title: str | None) -> str:
    """The role category a free-text title most likely means (for people created on the fly)."""
    if not title:
        return "other"
    plain = normalize_name(title)
    if _ELECTED.search(plain):
        return "elected"
    if _EXECUTIVE.search(plain):
        return "executive"
    return "technical"


@dataclass
class _Resolved:
    """What one item's participants resolve to."""

    people: dict[int, str | None] = field(default_factory=dict)  # person id → role
    institutions: dict[int, str | None] = field(default_factory=dict)
    to_create: list[tuple[tuple[str, int | None], str | None]] = field(default_factory=list)  # (name key, role)


class _Resolver:
    """Resolves every participant reference of a batch with one query per reference kind."""

    def __init__(self, session: Session, workspace: Workspace, items: list[InteractionIn], sources: list[str]):
        self.session = session
        self.workspace = workspace
        self.items = items
        self.sources = sources
        self.errors: list[dict[str, Any]] = []
        self.new_people: dict[tuple[str, int | None], dict[str, Any]] = {}
        self._load()

    def error(self, index: int, field_name: str, message: str) -> None:
        self.errors.append({"index": index, "field": field_name, "message": message})

    def _load(self) -> None:
        session, ws = self.session, self.workspace
        person_ids: set[int] = set()
        emails: set[str] = set()
        refs: set[tuple[str, str]] = set()
        names: set[str] = set()
        sirens: set[str] = set()
        institution_ids: set[int] = set()
        for item, source in zip(self.items, self.sources, strict=True):
            for participant in item.participants:
                if "person_id" in participant:
                    person_ids.add(participant["person_id"])
                if "email" in participant:
                    emails.add(participant["email"].lower())
                if "ref" in participant:
                    refs.add((source, participant["ref"]))
                if "name" in participant:
                    names.add(normalize_name(participant["name"]))
                if "institution_siren" in participant:
                    sirens.add(participant["institution_siren"].replace(" ", ""))
                if "institution_id" in participant:
                    institution_ids.add(participant["institution_id"])

        self.known_person_ids: set[int] = set()
        for chunk in _chunks(sorted(person_ids)):
            self.known_person_ids.update(
                session.scalars(select(Person.id).where(Person.workspace_id == ws.id, Person.id.in_(chunk)))
            )
        self.person_by_email: dict[str, int] = {}
        for chunk in _chunks(sorted(emails)):
            self.person_by_email.update(
                session.execute(
                    select(Person.email, Person.id).where(Person.workspace_id == ws.id, Person.email.in_(chunk))
                ).all()
            )
        self.person_by_ref: dict[tuple[str, str], int] = {}
        ref_values = sorted({ref for _source, ref in refs})
        for chunk in _chunks(ref_values):
            for source, ref, person_id in session.execute(
                select(PersonRef.source, PersonRef.ref, PersonRef.person_id).where(
                    PersonRef.workspace_id == ws.id, PersonRef.ref.in_(chunk)
                )
            ):
                self.person_by_ref[(source, ref)] = person_id
        visible = visible_institutions_filter(ws)
        self.institution_by_siren: dict[str, int] = {}
        for chunk in _chunks(sorted(sirens)):
            self.institution_by_siren.update(
                # The workspace's own last, so that it wins over the referential (see own_first).
                session.execute(select(Institution.siren, Institution.id).where(visible, Institution.siren.in_(chunk))
                                .order_by(own_first().desc())).all()
            )
        self.known_institution_ids: set[int] = set()
        for chunk in _chunks(sorted(institution_ids)):
            self.known_institution_ids.update(
                session.scalars(select(Institution.id).where(visible, Institution.id.in_(chunk)))
            )
        self.person_by_name = self.people_named(names)

    def people_named(self, names: set[str]) -> dict[tuple[str, int | None], int]:
        """Known people with one of the normalised ``names``, by (name, institution) and by
        (name, None): matched on the name, and on the institution when one is given."""
        found: dict[tuple[str, int | None], int] = {}
        if not names:
            return found
        candidates = self.session.execute(
            select(Person.id, Person.full_name, Affiliation.institution_id)
            .outerjoin(Affiliation, Affiliation.person_id == Person.id)
            .where(Person.workspace_id == self.workspace.id)
            .order_by(Person.id)
        ).all()
        for person_id, full_name, institution_id in candidates:
            key = normalize_name(full_name)
            if key in names:
                found.setdefault((key, institution_id), person_id)
                found.setdefault((key, None), person_id)
        return found

    def resolve(self, index: int, item: InteractionIn, source: str) -> _Resolved:
        resolved = _Resolved()
        people = resolved.people
        for position, participant in enumerate(item.participants):
            # The common case, a known person by id and nothing else, takes the short path.
            if len(participant) == 1:
                person_id = participant.get("person_id")
                if person_id in self.known_person_ids:
                    people.setdefault(person_id, None)
                    continue
            where = f"participants.{position}"
            identities = [key for key in IDENTITY_KEYS if key in participant]
            role = participant.get("role")
            participation_role = role if role in PARTICIPATION_ROLES else None
            if role is not None and participation_role is None and "name" not in participant:
                self.error(index, f"{where}.role", f"unknown role {role!r}: use organiser or attendee")
                continue
            if len(identities) > 1:
                self.error(index, where, f"give only one of {', '.join(identities)}")
                continue
            institution_id = self._institution(index, where, participant)
            if institution_id is False:
                continue
            if not identities:
                if institution_id is None:
                    self.error(index, where, "a participant needs person_id, email, ref, name or an institution")
                else:
                    resolved.institutions[institution_id] = participation_role
                continue
            kind = identities[0]
            if kind == "person_id":
                person_id = participant["person_id"]
                if person_id not in self.known_person_ids:
                    self.error(index, f"{where}.person_id", f"unknown person {person_id}")
                    continue
            elif kind == "email":
                person_id = self.person_by_email.get(participant["email"].lower())
                if person_id is None:
                    self.error(index, f"{where}.email", f"no person with email {participant['email']!r}")
                    continue
            elif kind == "ref":
                person_id = self.person_by_ref.get((source, participant["ref"]))
                if person_id is None:
                    self.error(index, f"{where}.ref", f"no person with ref {participant['ref']!r} for source {source!r}")
                    continue
            else:
                key = (normalize_name(participant["name"]), institution_id)
                person_id = self.person_by_name.get(key)
                if person_id is None:
                    title = participant.get("title") or (role if participation_role is None else None)
                    self.new_people.setdefault(key, {"name": participant["name"], "institution_id": institution_id,
                                                     "title": title})
                    resolved.to_create.append((key, participation_role))
                    continue
            if person_id not in resolved.people or participation_role == "organiser":
                resolved.people[person_id] = participation_role
        return resolved

    def _institution(self, index: int, where: str, participant: dict[str, Any]) -> int | None | bool:
        """The participant's institution id, None when it names none, False after an error."""
        if "institution_id" in participant and "institution_siren" in participant:
            self.error(index, where, "give institution_id or institution_siren, not both")
            return False
        if "institution_id" in participant:
            if participant["institution_id"] not in self.known_institution_ids:
                self.error(index, f"{where}.institution_id", f"unknown institution {participant['institution_id']}")
                return False
            return participant["institution_id"]
        if "institution_siren" in participant:
            siren = participant["institution_siren"].replace(" ", "")
            if not is_valid_siren(siren):
                self.error(index, f"{where}.institution_siren", f"invalid SIREN {siren!r}")
                return False
            institution_id = self.institution_by_siren.get(siren)
            if institution_id is None:
                self.error(index, f"{where}.institution_siren", f"no institution with SIREN {siren}")
                return False
            return institution_id
        return None


# Races between concurrent writers of the same items: on PostgreSQL two transactions may both
# find an external_id (or a topic) missing and both insert it; the second gets a unique
# violation once the first commits, or a deadlock when they hold keys in opposite orders.
# Replaying the batch after its savepoint is rolled back then sees those rows as existing.
RACE_ATTEMPTS = 10
_RACE_SQLSTATES = {"23505", "40001", "40P01"}  # unique_violation, serialization_failure, deadlock


def is_write_race(error: DBAPIError) -> bool:
    """A conflict with a concurrent writer that a replay of the same work resolves."""
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate in _RACE_SQLSTATES:
        return True
    message = str(original).lower()
    # SQLite: writers are serialised by BEGIN IMMEDIATE, so these should not reach here; they
    # are replayed all the same if the busy timeout ever runs out.
    return "database is locked" in message or "unique constraint failed" in message


def ingest_interactions(
    session: Session,
    *,
    workspace: Workspace,
    items: list[InteractionIn],
    default_source: str,
    actor: str,
    index_offset: int = 0,
) -> BatchOutcome:
    """Create or update ``items`` in ``workspace``; all or nothing, idempotent.

    ``index_offset`` shifts the ``index`` of reported errors (for streams handled in chunks).
    The work runs in a savepoint, replayed (a few times, with jitter) when a concurrent writer
    of the same items wins a race: the replay finds them existing, so it is safe.
    """
    for attempt in range(1, RACE_ATTEMPTS + 1):
        savepoint = session.begin_nested()
        try:
            outcome = _ingest(session, workspace=workspace, items=items, default_source=default_source,
                              actor=actor, index_offset=index_offset)
            savepoint.commit()
            return outcome
        except DBAPIError as error:
            if savepoint.is_active:
                savepoint.rollback()
            if attempt == RACE_ATTEMPTS or not is_write_race(error):
                raise
            logger.info("ingest: concurrent writer won a race (%s), replaying the batch (attempt %d)",
                        type(error.orig).__name__, attempt + 1)
            time.sleep(random.uniform(0.01, 0.05) * attempt)
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _ingest(
    session: Session,
    *,
    workspace: Workspace,
    items: list[InteractionIn],
    default_source: str,
    actor: str,
    index_offset: int,
) -> BatchOutcome:
    sources = [item.source or default_source for item in items]
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for index, (item, source) in enumerate(zip(items, sources, strict=True)):
        key = (source, item.external_id)
        if key in seen:
            errors.append({"index": index, "field": "external_id",
                           "message": f"duplicate external_id {item.external_id!r} (also item {seen[key] + index_offset})"})
        else:
            seen[key] = index
    resolver = _Resolver(session, workspace, items, sources)
    resolved = [resolver.resolve(index, item, source) for index, (item, source) in enumerate(zip(items, sources, strict=True))]
    errors.extend(resolver.errors)
    if errors:
        for error in errors:
            error["index"] += index_offset
        errors.sort(key=lambda e: (e["index"], e["field"]))
        raise Invalid(f"{len({e['index'] for e in errors})} of {len(items)} items are invalid; nothing was written",
                      details=errors)

    hashes = [_item_hash(item) for item in items]
    existing = _stored_keys(session, workspace.id, set(zip(sources, (item.external_id for item in items))))

    outcome = BatchOutcome(ids=[0] * len(items))
    new_indexes: list[int] = []
    changed_indexes: list[int] = []
    for index, (item, source) in enumerate(zip(items, sources, strict=True)):
        found = existing.get((source, item.external_id))
        if found is None:
            new_indexes.append(index)
        elif found[1] != hashes[index]:
            changed_indexes.append(index)
            outcome.ids[index] = found[0]
        else:
            outcome.ids[index] = found[0]
            outcome.unchanged += 1
    if not new_indexes and not changed_indexes:
        return outcome

    written = new_indexes + changed_indexes
    new_person_ids = _create_people(session, workspace, resolver, [resolved[i] for i in written], actor)
    now = utcnow()
    # Every writer inserts new keys in the same order, so two batches sharing keys wait for each
    # other instead of deadlocking (PostgreSQL); the loser then replays and finds them stored.
    new_indexes.sort(key=lambda i: (sources[i], items[i].external_id))
    rows = [_row(items[i], sources[i], hashes[i], workspace.id, actor, now) for i in new_indexes]
    # A plain executemany, then the ids: RETURNING with guaranteed row order would make SQLite
    # insert one row per statement.
    _executemany(session, INTERACTIONS, rows)
    new_keys = [(sources[i], items[i].external_id) for i in new_indexes]
    for index, interaction_id in zip(new_indexes, _inserted_ids(session, workspace.id, new_keys), strict=True):
        outcome.ids[index] = interaction_id
    outcome.created = len(new_indexes)

    if changed_indexes:
        changed_ids = [outcome.ids[i] for i in changed_indexes]
        session.execute(
            update(Interaction),
            [{"id": outcome.ids[i], **_row(items[i], sources[i], hashes[i], workspace.id, actor, now, update=True)}
             for i in changed_indexes],
        )
        for chunk in _chunks(changed_ids):
            session.execute(delete(Participation).where(Participation.interaction_id.in_(chunk)))
            session.execute(delete(interaction_topics).where(interaction_topics.c.interaction_id.in_(chunk)))
        outcome.updated = len(changed_indexes)

    participation_rows: list[dict[str, Any]] = []
    for index in written:
        interaction_id = outcome.ids[index]
        people = dict(resolved[index].people)
        for key, role in resolved[index].to_create:
            person_id = new_person_ids[key]
            if person_id not in people or role == "organiser":
                people[person_id] = role
        participation_rows.extend(
            {"interaction_id": interaction_id, "person_id": person_id, "institution_id": None, "role": role}
            for person_id, role in people.items()
        )
        participation_rows.extend(
            {"interaction_id": interaction_id, "person_id": None, "institution_id": institution_id, "role": role}
            for institution_id, role in resolved[index].institutions.items()
        )
    _executemany(session, PARTICIPATIONS, participation_rows)
    _link_topics(session, workspace, {outcome.ids[i]: items[i].topics for i in written})

    bump_data_version(session, workspace_id=workspace.id)
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="ingest", object_type="interaction",
        details={"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged,
                 "ids": [outcome.ids[i] for i in written][:1000]},
    )
    return outcome


def _stored_keys(
    session: Session, workspace_id: int, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, str]]:
    """``(source, external_id) → (id, content_hash)`` for the keys already stored.

    Queried per source so that the whole idempotency index (workspace, source, external_id)
    serves the lookup: a query on external_id alone would scan the workspace's interactions.
    """
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    found: dict[tuple[str, str], tuple[int, str]] = {}
    for source, external_ids in by_source.items():
        for chunk in _chunks(sorted(external_ids)):
            for interaction_id, external_id, digest in session.execute(
                select(INTERACTIONS.c.id, INTERACTIONS.c.external_id, INTERACTIONS.c.content_hash).where(
                    INTERACTIONS.c.workspace_id == workspace_id,
                    INTERACTIONS.c.source == source,
                    INTERACTIONS.c.external_id.in_(chunk),
                )
            ):
                found[(source, external_id)] = (interaction_id, digest)
    return found


def _inserted_ids(session: Session, workspace_id: int, keys: list[tuple[str, str]]) -> list[int]:
    """The ids of the interactions just inserted with ``keys``, in the same order.

    On SQLite one executemany under the write lock (BEGIN IMMEDIATE) gives consecutive rowids
    ending at ``last_insert_rowid()``: two point reads confirm the range instead of looking
    every key up again. Anywhere else, or if the range does not hold, the keys are looked up.
    """
    if not keys:
        return []
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        last_id = connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
        first_id = last_id - len(keys) + 1
        ends = {
            row.id: (row.source, row.external_id)
            for row in connection.execute(
                select(INTERACTIONS.c.id, INTERACTIONS.c.source, INTERACTIONS.c.external_id).where(
                    INTERACTIONS.c.workspace_id == workspace_id, INTERACTIONS.c.id.in_([first_id, last_id])
                )
            )
        }
        in_range = connection.execute(
            select(func.count()).select_from(INTERACTIONS).where(INTERACTIONS.c.id.between(first_id, last_id))
        ).scalar_one()
        if ends.get(first_id) == keys[0] and ends.get(last_id) == keys[-1] and in_range == len(keys):
            return list(range(first_id, last_id + 1))
        logger.warning("ingest: inserted rowids are not consecutive; looking the keys up")
    stored = _stored_keys(session, workspace_id, set(keys))
    return [stored[key][0] for key in keys]


def _executemany(session: Session, table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table`` with the driver's own executemany, on the session's
    connection and inside its transaction.

    The batch's two large inserts go straight to the driver: their values are plain (ints,
    short strings, booleans, UTC timestamps), so SQLAlchemy's per-row parameter processing
    would add nothing but time (it doubled the cost of a batch in bench/ingest.py).
    Timestamps are written in the exact form the ``UTCDateTime`` column type uses on SQLite.
    """
    if not rows:
        return
    connection = session.connection()
    columns = list(rows[0])
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([placeholder] * len(columns))})"
    )
    values = [tuple(row.values()) for row in rows]
    if connection.dialect.name == "sqlite":
        stamps = [i for i, value in enumerate(values[0]) if isinstance(value, datetime)]
        if stamps:
            text: dict[datetime, str] = {}  # created_at/updated_at are one instant for the whole batch
            values = [_sqlite_stamps(row, stamps, text) for row in values]
    connection.exec_driver_sql(statement, values)


def _sqlite_stamps(row: tuple, positions: list[int], text: dict[datetime, str]) -> tuple:
    converted = list(row)
    for i in positions:
        stamp = row[i]
        if stamp not in text:
            text[stamp] = stamp.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        converted[i] = text[stamp]
    return tuple(converted)


def _item_hash(item: InteractionIn) -> str:
    """Digest of the item as validated (pydantic's serializer is fast and deterministic; the
    timestamp is already in UTC, so another offset for the same instant is the same content)."""
    return hashlib.sha256(b"%s|%d" % (item.model_dump_json().encode(), _formal(item))).hexdigest()


def _formal(item: InteractionIn) -> bool:
    return item.formal if item.formal is not None else item.kind not in INFORMAL_BY_DEFAULT


def _row(item: InteractionIn, source: str, digest: str, workspace_id: int, actor: str, now, *,
         update: bool = False) -> dict[str, Any]:
    row = {
        "occurred_at": item.occurred_at,
        "kind": item.kind,
        "formal": _formal(item),
        "title": item.title,
        "summary": item.summary,
        "location": item.location,
        "content_hash": digest,
        "updated_at": now,
    }
    if not update:
        row.update(workspace_id=workspace_id, source=source, external_id=item.external_id, created_by=actor,
                   created_at=now)
    return row


def _create_people(
    session: Session, workspace: Workspace, resolver: _Resolver, resolved: list[_Resolved], actor: str
) -> dict[tuple[str, int | None], int]:
    """Create the people named in written items who are not known yet; returns their ids by key.

    Two transactions naming the same new person would each create it (nothing unique ties a
    person to a name). On PostgreSQL the creators of a workspace therefore take turns on an
    advisory lock held to the end of the transaction, and look the names up again once they hold
    it: whoever came second finds the people the first one committed. (SQLite writers already
    take turns: BEGIN IMMEDIATE.)
    """
    wanted = {key for entry in resolved for key, _role in entry.to_create}
    if not wanted:
        return {}
    existing: dict[tuple[str, int | None], int] = {}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(NAMED_PEOPLE_LOCK, workspace.id)))
        known = resolver.people_named({name for name, _institution in wanted})
        existing = {key: known[key] for key in wanted if key in known}
    keys = sorted(wanted - existing.keys(), key=lambda k: (k[0], k[1] or 0))
    if not keys:
        return existing
    specs = [resolver.new_people[key] for key in keys]
    ids = session.scalars(
        insert(Person).returning(Person.id, sort_by_parameter_order=True),
        [{"workspace_id": workspace.id, "full_name": spec["name"], "is_public_figure": False} for spec in specs],
    ).all()
    affiliations = [
        {"person_id": person_id, "institution_id": spec["institution_id"],
         "role_category": guess_role_category(spec["title"]), "title": spec["title"] or "Interlocuteur",
         "source": "ingest"}
        for person_id, spec in zip(ids, specs, strict=True)
        if spec["institution_id"] is not None
    ]
    if affiliations:
        session.execute(insert(Affiliation), affiliations)
    audit.record(session, workspace_id=workspace.id, actor=actor, action="create", object_type="person",
                 details={"ids": list(ids), "via": "ingest"})
    return {**existing, **dict(zip(keys, ids, strict=True))}


def _link_topics(session: Session, workspace: Workspace, topics_by_interaction: dict[int, list[str]]) -> None:
    names = sorted({name for names in topics_by_interaction.values() for name in names})
    if not names:
        return
    topic_ids: dict[str, int] = {}
    for chunk in _chunks(names):
        topic_ids.update(
            session.execute(
                select(Topic.name, Topic.id).where(Topic.workspace_id == workspace.id, Topic.name.in_(chunk))
            ).all()
        )
    missing = [name for name in names if name not in topic_ids]
    if missing:
        ids = session.scalars(
            insert(Topic).returning(Topic.id, sort_by_parameter_order=True),
            [{"workspace_id": workspace.id, "name": name} for name in missing],
        ).all()
        topic_ids.update(zip(missing, ids, strict=True))
    rows = [
        {"interaction_id": interaction_id, "topic_id": topic_ids[name]}
        for interaction_id, names in topics_by_interaction.items()
        for name in dict.fromkeys(names)
    ]
    session.execute(insert(interaction_topics), rows)


def count_interactions(session: Session, *, workspace: Workspace) -> int:
    return session.scalar(
        select(func.count()).select_from(Interaction).where(Interaction.workspace_id == workspace.id)
    ) or 0
