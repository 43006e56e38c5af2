"""Import of calendars (iCalendar, RFC 5545): events become interactions.

Parsing and recurrence expansion are left to the maintained libraries (``icalendar``,
``recurring-ical-events``); this module decides what an event means for Maillage:

- each occurrence in the window (default: the last 365 days to 90 days ahead) is one
  interaction, written through :func:`app.services.ingest.ingest_interactions` (bulk,
  idempotent, all or nothing);
- its idempotency key (``external_id``) is the event's UID, plus the occurrence's
  RECURRENCE-ID (its original start, in UTC) for recurring events, under the source ``ics``;
- times keep their zone (TZID, UTC); floating times and all-day events are read in the
  calendar's X-WR-TIMEZONE, else Europe/Paris;
- cancelled events (STATUS:CANCELLED) are skipped, private and confidential ones
  (CLASS:PRIVATE/CONFIDENTIAL) too unless asked; declined attendees and rooms are left out;
- an occurrence imported earlier that the calendar has withdrawn since (cancelled, removed
  from its series by EXDATE or a shorter RRULE) is deleted: the meeting did not take place;
- ORGANIZER and ATTENDEEs are matched to the workspace's people by email; unknown ones are
  reported, or created (with their name and email) when ``create_missing``;
- the kind is guessed from the summary and categories (déjeuner, café → informal; permanence
  → office_hours; visio, téléphone → call; else meeting); CATEGORIES become topics.
"""

import hashlib
import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.models import Interaction, Person, Workspace
from app.models.base import utcnow
from app.schemas.interactions import InteractionIn
from app.services import audit
from app.services.imports.files import chunks, decode, normalize_person_name
from app.services.imports.report import ImportReport, Progress, dry_run_scope
from app.services.ingest import BatchOutcome, ingest_interactions
from app.services.users import normalize_email
from app.services.workspaces import bump_data_version

ICS_SOURCE = "ics"
DEFAULT_TIMEZONE = "Europe/Paris"
PAST_DAYS = 365
FUTURE_DAYS = 90
BATCH = 2_000
MAX_EXTERNAL_ID = 200

_KIND_RULES = (
    (re.compile(r"\b(dejeuner|petit dejeuner|cafe|diner|apero|aperitif|repas|pot|verre)\b"), "informal"),
    (re.compile(r"\bpermanences?\b"), "office_hours"),
    (re.compile(r"\b(visio\w*|telephone|telephonique|tel|appel|call|teams|zoom|webex|conf call)\b"), "call"),
)
_PRIVATE = {"PRIVATE", "CONFIDENTIAL"}
_NOT_PEOPLE = {"ROOM", "RESOURCE"}


def guess_kind(summary: str, categories: list[str]) -> str:
    """The interaction kind an event's summary and categories suggest.

    >>> guess_kind("Déjeuner avec la DGS", []), guess_kind("Point", ["Visio"]), guess_kind("COPIL", [])
    ('informal', 'call', 'meeting')
    """
    text = normalize_person_name(" ".join([summary, *categories]))
    for pattern, kind in _KIND_RULES:
        if pattern.search(text):
            return kind
    return "meeting"


def default_window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=PAST_DAYS), now + timedelta(days=FUTURE_DAYS)


def import_ics(
    session: Session,
    *,
    workspace: Workspace,
    data: bytes,
    actor: str,
    since: datetime | None = None,
    until: datetime | None = None,
    create_missing: bool = False,
    include_private: bool = False,
    source: str = ICS_SOURCE,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Turn the events of an iCalendar file into interactions of ``workspace``.

    ``since``/``until`` (aware; ``until`` excluded) bound the occurrences taken; by default the
    last 365 days to 90 days ahead of ``now``. Re-importing the same file changes nothing.
    """
    import icalendar
    import recurring_ical_events

    now = now or utcnow()
    default_since, default_until = default_window(now)
    since = since or default_since
    until = until or default_until
    if since >= until:
        raise Invalid("the window is empty: --since must be before --until")
    source = (source or ICS_SOURCE).strip()
    if not source or len(source) > 100:
        raise Invalid("a source name has 1 to 100 characters")

    text, _encoding = decode(data)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as error:  # icalendar raises ValueError and friends on malformed input
        raise Invalid(f"not a readable iCalendar file: {error}") from None
    if calendar.name != "VCALENDAR":
        raise Invalid("not an iCalendar file (no VCALENDAR)")
    zone = _calendar_zone(calendar)
    events = list(calendar.walk("VEVENT"))
    recurring = {str(e.get("UID")) for e in events if e.get("RRULE") or e.get("RDATE") or e.get("RECURRENCE-ID")}
    try:
        occurrences = list(recurring_ical_events.of(calendar).between(since, until))
    except Exception as error:  # a malformed RRULE or date the library cannot expand
        raise Invalid(f"the calendar's recurrences cannot be expanded: {error}") from None

    report = ImportReport(kind="ics", dry_run=dry_run)
    report.info.update(source=source, events_in_file=len(events), since=since.isoformat(), until=until.isoformat(),
                       timezone_for_floating_times=str(zone), prodid=str(calendar.get("PRODID", "")) or None)
    planned: list[dict[str, Any]] = []
    seen: set[str] = set()
    standing: set[str] = set()  # the keys of every occurrence the calendar still holds
    for occurrence in sorted(occurrences, key=lambda e: _sort_key(e, zone)):
        report.rows += 1
        if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
            report.skip(None, "cancelled", f"{_text(occurrence, 'SUMMARY', 300) or '(sans titre)'!r} is cancelled")
            continue
        item = _plan(occurrence, zone, recurring, include_private, report, standing)
        if item is None:
            continue
        if item["external_id"] in seen:
            report.skip(None, "duplicate", f"event {item['title']!r} appears twice")
            continue
        seen.add(item["external_id"])
        planned.append(item)

    with dry_run_scope(session, dry_run):
        person_by_email = _people_by_email(session, workspace, planned)
        unknown = Counter(p["email"] for item in planned for p in item["_people"] if p["email"] not in person_by_email)
        if create_missing and unknown:
            person_by_email.update(_create_people(session, workspace, planned, set(unknown), actor, report))
            unknown = Counter()
        report.info["unknown_attendees"] = [{"email": email, "events": count}
                                            for email, count in unknown.most_common(1_000)]
        report.info["unknown_attendee_count"] = len(unknown)
        items: list[InteractionIn] = []
        for item in planned:
            participants = _participants(item.pop("_people"), person_by_email)
            if not participants:
                report.skip(None, "no_known_participant",
                            f"{item['title']!r} on {item['occurred_at']:%Y-%m-%d}: nobody in it is known "
                            "(import with --create-missing to add them)")
                continue
            try:
                items.append(InteractionIn.model_validate({**item, "participants": participants}))
            except ValidationError as error:
                first = error.errors()[0]
                report.skip(None, "invalid", f"{item['title']!r}: {first.get('msg')}")
        total = BatchOutcome()
        for done, batch in enumerate(chunks(items, BATCH), start=1):
            total.add(ingest_interactions(session, workspace=workspace, items=batch, default_source=source,
                                          actor=actor))
            if progress:
                progress("interactions", min(done * BATCH, len(items)), len(items))
        counts = report.count("interactions")
        counts.created, counts.updated, counts.unchanged = total.created, total.updated, total.unchanged
        uids = {str(event.get("UID", "")).strip() for event in events} - {""}
        counts.deleted = _delete_withdrawn(session, workspace, source, uids, standing, since, until)
        audit.record(session, workspace_id=workspace.id, actor=actor, action="import", object_type="ics",
                     details={"source": source, **report.summary()})
        session.flush()
    return report


def _calendar_zone(calendar) -> tzinfo:
    name = str(calendar.get("X-WR-TIMEZONE", "") or "").strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(DEFAULT_TIMEZONE)


def _aware(value: date | datetime, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(0), zone)


def _sort_key(event, zone: tzinfo) -> tuple[datetime, str]:
    start = event.get("DTSTART")
    instant = _aware(start.dt, zone) if start is not None else datetime.min.replace(tzinfo=UTC)
    return instant, str(event.get("UID", ""))


def _external_id(uid: str, recurrence: datetime | date | None, zone: tzinfo, recurring: bool) -> str:
    key = uid
    if recurring and recurrence is not None:
        if isinstance(recurrence, datetime):
            stamp = _aware(recurrence, zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        else:
            stamp = recurrence.strftime("%Y%m%d")
        key = f"{uid}#{stamp}"
    if len(key) > MAX_EXTERNAL_ID:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _text(event, name: str, limit: int) -> str | None:
    value = event.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] or None


def _categories(event) -> list[str]:
    values = event.get("CATEGORIES")
    if values is None:
        return []
    found: list[str] = []
    for entry in values if isinstance(values, list) else [values]:
        for category in getattr(entry, "cats", None) or str(entry).split(","):
            name = " ".join(str(category).split())[:100]
            if name and name not in found:
                found.append(name)
    return found[:30]


def _plan(event, zone: tzinfo, recurring: set[str], include_private: bool, report: ImportReport,
          standing: set[str]) -> dict | None:
    """The interaction an occurrence becomes, or None (reported) when it is left out; the key of
    every occurrence with a start goes into ``standing``, left out or not."""
    summary = _text(event, "SUMMARY", 300) or "(sans titre)"
    start = event.get("DTSTART")
    if start is None:
        report.skip(None, "no_start", f"{summary!r} has no start")
        return None
    occurred_at = _aware(start.dt, zone)
    uid = str(event.get("UID", "")).strip()
    if not uid:
        # No UID (against RFC 5545): the start and summary stand in for one, stable across imports.
        uid = "no-uid:" + hashlib.sha256(f"{occurred_at.isoformat()}|{summary}".encode()).hexdigest()[:32]
    recurrence = event.get("RECURRENCE-ID")
    external_id = _external_id(uid, recurrence.dt if recurrence is not None else start.dt, zone, uid in recurring)
    standing.add(external_id)
    if str(event.get("CLASS", "")).upper() in _PRIVATE and not include_private:
        report.skip(None, "private", "a private event (import with --include-private to take it)")
        return None
    categories = _categories(event)
    return {
        "external_id": external_id,
        "occurred_at": occurred_at,
        "kind": guess_kind(summary, categories),
        "title": summary,
        "summary": _text(event, "DESCRIPTION", 10_000),
        "location": _text(event, "LOCATION", 300),
        "topics": categories,
        "_people": _event_people(event),
    }


def _delete_withdrawn(session: Session, workspace: Workspace, source: str, uids: set[str], standing: set[str],
                      since: datetime, until: datetime) -> int:
    """Delete the interactions imported from occurrences the calendar has withdrawn since; returns
    how many.

    Only events of this file (by UID) and occurrences inside the window are concerned: an event
    absent from the file may come from another calendar or export, so its interactions stay.
    """
    withdrawn = [
        interaction_id
        for interaction_id, external_id in session.execute(
            select(Interaction.id, Interaction.external_id).where(
                Interaction.workspace_id == workspace.id, Interaction.source == source,
                Interaction.occurred_at >= since, Interaction.occurred_at < until,
            )
        )
        if external_id not in standing and (external_id in uids or external_id.rpartition("#")[0] in uids)
    ]
    for chunk in chunks(withdrawn, 900):
        session.execute(delete(Interaction).where(Interaction.id.in_(chunk)))
    if withdrawn:
        bump_data_version(session, workspace_id=workspace.id)
    return len(withdrawn)


def _address(value) -> str | None:
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if "@" in text else None


def _event_people(event) -> list[dict[str, str | None]]:
    """Organiser and attendees who took part: rooms, resources and those who declined are left out."""
    people: dict[str, dict[str, str | None]] = {}
    organizer = event.get("ORGANIZER")
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    for value, role in [(organizer, "organiser")] * (organizer is not None) + [(a, "attendee") for a in attendees]:
        params = getattr(value, "params", {}) or {}
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        if role == "attendee" and str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        email = _address(value)
        if email is None:
            continue
        name = str(params.get("CN", "")).strip().strip('"') or None
        if email not in people:
            people[email] = {"email": email, "name": name, "role": role}
        elif role == "organiser":
            people[email]["role"] = role
    return list(people.values())


def _people_by_email(session: Session, workspace: Workspace, planned: list[dict[str, Any]]) -> dict[str, int]:
    emails = sorted({p["email"] for item in planned for p in item["_people"]})
    found: dict[str, int] = {}
    for chunk in chunks(emails, 900):
        found.update(session.execute(
            select(Person.email, Person.id).where(Person.workspace_id == workspace.id, Person.email.in_(chunk))
        ).all())
    return found


def _name_from_email(email: str) -> str:
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w]
    return " ".join(w.capitalize() for w in words) or email


def _create_people(session: Session, workspace: Workspace, planned: list[dict[str, Any]], emails: set[str],
                   actor: str, report: ImportReport) -> dict[str, int]:
    """Create the unknown attendees, with the name their calendar gives and their email (so the
    next import, or an API client, finds them by email)."""
    names: dict[str, str] = {}
    for item in planned:
        for person in item["_people"]:
            email = person["email"]
            if email in emails and email not in names:
                name = person["name"]
                names[email] = " ".join(name.split())[:200] if name and "@" not in name else _name_from_email(email)
    valid: list[str] = []
    for email in sorted(names):
        try:
            normalize_email(email)
        except Invalid:
            report.skip(None, "invalid_email", f"attendee {email!r} has no valid email address and was left out")
            continue
        valid.append(email)
    if not valid:
        return {}
    now = utcnow()
    ids = session.scalars(
        insert(Person).returning(Person.id, sort_by_parameter_order=True),
        [{"workspace_id": workspace.id, "full_name": names[email], "email": email, "is_public_figure": False,
          "created_at": now, "updated_at": now} for email in valid],
    ).all()
    report.count("people").created += len(ids)
    audit.record(session, workspace_id=workspace.id, actor=actor, action="create", object_type="person",
                 details={"ids": list(ids)[:1000], "count": len(ids), "via": "ics"})
    return dict(zip(valid, ids, strict=True))


def _participants(people: list[dict[str, str | None]], person_by_email: dict[str, int]) -> list[dict[str, Any]]:
    return [{"email": p["email"], "role": p["role"]} for p in people if p["email"] in person_by_email]
