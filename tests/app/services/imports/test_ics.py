"""Calendar import: a director's agenda becomes interactions.

One calendar, as Outlook or Thunderbird export it, holds what matters: a lunch with a known
DGS, a weekly video call (with an exception, a moved occurrence, a declined attendee and a
room), an élus' office hour in UTC, a floating-time steering committee with a stranger, an
all-day event, and events to leave out (cancelled, private, confidential, out of the window).
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.errors import Invalid
from app.models import Interaction, Participation, Person
from app.services.imports import import_ics
from app.services.imports.ics import guess_kind
from app.services.interaction_queries import to_read
from app.services.people import create_person
from tests.app.services.imports.conftest import count

NOW = datetime(2026, 3, 1, tzinfo=UTC)  # default window: 2025-03-01 → 2026-05-30

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
BEGIN:VTIMEZONE
TZID:Romance Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:lunch-1@petr.example
DTSTART;TZID=Europe/Paris:20260210T123000
DTEND;TZID=Europe/Paris:20260210T140000
SUMMARY:Déjeuner avec la DGS de la CC
CATEGORIES:mobilité,habitat
LOCATION:Villefranche-de-Lauragais
ORGANIZER;CN=Directrice PETR:mailto:directrice@petr.example
ATTENDEE;CN=DGS CC;PARTSTAT=ACCEPTED:mailto:DGS@cc.example
END:VEVENT
BEGIN:VEVENT
UID:weekly@petr.example
DTSTART;TZID=Romance Standard Time:20260105T090000
DTEND;TZID=Romance Standard Time:20260105T093000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Romance Standard Time:20260112T090000
SUMMARY:Point hebdo en visio
ORGANIZER:mailto:directrice@petr.example
ATTENDEE;CN=DGS CC:mailto:dgs@cc.example
ATTENDEE;CN=Élu absent;PARTSTAT=DECLINED:mailto:absent@commune.example
ATTENDEE;CUTYPE=ROOM;CN=Salle du conseil:mailto:salle@petr.example
END:VEVENT
BEGIN:VEVENT
UID:weekly@petr.example
RECURRENCE-ID;TZID=Romance Standard Time:20260119T090000
DTSTART;TZID=Romance Standard Time:20260119T140000
DTEND;TZID=Romance Standard Time:20260119T143000
SUMMARY:Point hebdo en visio (déplacé)
ORGANIZER:mailto:directrice@petr.example
ATTENDEE:mailto:dgs@cc.example
END:VEVENT
BEGIN:VEVENT
UID:office-hours@petr.example
DTSTART:20260115T080000Z
SUMMARY:Permanence des élus
ORGANIZER:mailto:directrice@petr.example
END:VEVENT
BEGIN:VEVENT
UID:copil@petr.example
DTSTART:20260120T100000
SUMMARY:Comité de pilotage SCoT
ORGANIZER:mailto:directrice@petr.example
ATTENDEE;CN=Claire Inconnue:mailto:claire.inconnue@ailleurs.example
END:VEVENT
BEGIN:VEVENT
UID:salon@petr.example
DTSTART;VALUE=DATE:20260203
SUMMARY:Salon des maires
ATTENDEE:mailto:directrice@petr.example
END:VEVENT
BEGIN:VEVENT
UID:strangers@petr.example
DTSTART:20260204T150000Z
SUMMARY:Réunion de quartier
ORGANIZER;CN=Élu de commune:mailto:elu@commune.example
ATTENDEE:mailto:jean.dupont@commune.example
END:VEVENT
BEGIN:VEVENT
UID:cancelled@petr.example
DTSTART:20260211T090000Z
STATUS:CANCELLED
SUMMARY:Réunion annulée
ORGANIZER:mailto:directrice@petr.example
END:VEVENT
BEGIN:VEVENT
UID:private@petr.example
DTSTART:20260212T090000Z
CLASS:PRIVATE
SUMMARY:Rendez-vous personnel
ORGANIZER:mailto:directrice@petr.example
END:VEVENT
BEGIN:VEVENT
UID:confidential@petr.example
DTSTART:20260213T090000Z
CLASS:CONFIDENTIAL
SUMMARY:Entretien de recrutement
ORGANIZER:mailto:directrice@petr.example
END:VEVENT
BEGIN:VEVENT
UID:long-ago@petr.example
DTSTART:20240110T090000Z
SUMMARY:Réunion d'il y a deux ans
ORGANIZER:mailto:directrice@petr.example
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n").encode()


@pytest.fixture
def team(db, lauragais) -> dict[str, Person]:
    return {
        email: create_person(db, workspace=lauragais, full_name=name, email=email, actor="test")
        for email, name in (("directrice@petr.example", "Directrice PETR"), ("dgs@cc.example", "DGS CC"))
    }


def interactions(db, workspace) -> dict[str, Interaction]:
    return {i.external_id: i for i in db.scalars(select(Interaction).where(Interaction.workspace_id == workspace.id))}


def test_events_become_interactions(db, lauragais, team):
    report = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)

    found = interactions(db, lauragais)
    assert sorted(found) == [
        "copil@petr.example",
        "lunch-1@petr.example",
        "office-hours@petr.example",
        "salon@petr.example",
        # a weekly series of 6, less one exception; the moved one keeps its original key
        "weekly@petr.example#20260105T080000Z",
        "weekly@petr.example#20260119T080000Z",
        "weekly@petr.example#20260126T080000Z",
        "weekly@petr.example#20260202T080000Z",
        "weekly@petr.example#20260209T080000Z",
    ]
    assert report.counts["interactions"].created == 9
    assert {i.source for i in found.values()} == {"ics"}
    assert report.skipped_by_reason == {"cancelled": 1, "private": 2, "no_known_participant": 1}


def test_timezones_are_honoured(db, lauragais, team):
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    found = interactions(db, lauragais)

    def utc(key: str) -> str:
        return found[key].occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")

    assert utc("lunch-1@petr.example") == "2026-02-10 11:30"  # TZID=Europe/Paris, winter time
    assert utc("weekly@petr.example#20260105T080000Z") == "2026-01-05 08:00"  # Outlook's own VTIMEZONE
    assert utc("weekly@petr.example#20260119T080000Z") == "2026-01-19 13:00"  # the moved occurrence
    assert utc("office-hours@petr.example") == "2026-01-15 08:00"  # UTC
    assert utc("copil@petr.example") == "2026-01-20 09:00"  # floating: read in Europe/Paris
    assert utc("salon@petr.example") == "2026-02-02 23:00"  # all day: from midnight in Paris
    assert found["weekly@petr.example#20260119T080000Z"].title == "Point hebdo en visio (déplacé)"


def test_kinds_topics_and_participants(db, lauragais, team):
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    found = {key: to_read(i) for key, i in interactions(db, lauragais).items()}

    lunch = found["lunch-1@petr.example"]
    assert (lunch.kind, lunch.formal, lunch.topics, lunch.location) == (
        "informal", False, ["habitat", "mobilité"], "Villefranche-de-Lauragais")
    assert {(p.person_id, p.role) for p in lunch.participants} == {
        (team["directrice@petr.example"].id, "organiser"), (team["dgs@cc.example"].id, "attendee")}
    assert found["weekly@petr.example#20260126T080000Z"].kind == "call"
    assert found["office-hours@petr.example"].kind == "office_hours"
    assert found["copil@petr.example"].kind == "meeting"
    # Declined attendees and rooms are not participants.
    assert len(found["weekly@petr.example#20260126T080000Z"].participants) == 2


def test_unknown_attendees_are_reported(db, lauragais, team):
    report = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    assert report.info["unknown_attendees"] == [
        {"email": "claire.inconnue@ailleurs.example", "events": 1},
        {"email": "elu@commune.example", "events": 1},
        {"email": "jean.dupont@commune.example", "events": 1},
    ]
    assert count(db, Person, Person.workspace_id == lauragais.id) == 2


def test_create_missing_adds_them_with_their_email(db, lauragais, team):
    report = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW, create_missing=True)

    assert report.counts["people"].created == 3
    assert report.counts["interactions"].created == 10
    people = dict(db.execute(select(Person.email, Person.full_name).where(Person.workspace_id == lauragais.id)).all())
    assert people["claire.inconnue@ailleurs.example"] == "Claire Inconnue"  # from CN
    assert people["jean.dupont@commune.example"] == "Jean Dupont"  # from the address
    again = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW, create_missing=True)
    assert "people" not in again.counts and again.counts["interactions"].unchanged == 10


def test_a_second_import_changes_nothing(db, lauragais, team):
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    db.refresh(lauragais)
    version = lauragais.data_version

    again = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)

    assert again.counts["interactions"].as_dict() == {"created": 0, "updated": 0, "unchanged": 9, "ended": 0, "deleted": 0}
    db.refresh(lauragais)
    assert lauragais.data_version == version


def test_an_edited_event_is_updated(db, lauragais, team):
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    edited = CALENDAR.replace(b"SUMMARY:Permanence des \xc3\xa9lus", b"SUMMARY:Permanence des \xc3\xa9lus (mairie)")
    report = import_ics(db, workspace=lauragais, data=edited, actor="test", now=NOW)
    assert report.counts["interactions"].as_dict() == {"created": 0, "updated": 1, "unchanged": 8, "ended": 0, "deleted": 0}


def test_an_event_cancelled_since_the_last_import_is_deleted(db, lauragais, team):
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    lunch_id = interactions(db, lauragais)["lunch-1@petr.example"].id
    cancelled = CALENDAR.replace(b"UID:lunch-1@petr.example\r\n", b"UID:lunch-1@petr.example\r\nSTATUS:CANCELLED\r\n")

    report = import_ics(db, workspace=lauragais, data=cancelled, actor="test", now=NOW)

    assert report.counts["interactions"].as_dict() == {"created": 0, "updated": 0, "unchanged": 8, "ended": 0, "deleted": 1}
    assert "lunch-1@petr.example" not in interactions(db, lauragais)
    assert count(db, Participation, Participation.interaction_id == lunch_id) == 0


def test_occurrences_withdrawn_from_a_series_are_deleted(db, lauragais, team):
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    # One more exception, and the moved occurrence cancelled on its own.
    withdrawn = CALENDAR.replace(b"EXDATE;TZID=Romance Standard Time:20260112T090000",
                                 b"EXDATE;TZID=Romance Standard Time:20260112T090000,20260202T090000").replace(
        b"RECURRENCE-ID;TZID=Romance Standard Time:20260119T090000\r\n",
        b"RECURRENCE-ID;TZID=Romance Standard Time:20260119T090000\r\nSTATUS:CANCELLED\r\n")

    report = import_ics(db, workspace=lauragais, data=withdrawn, actor="test", now=NOW)

    assert report.counts["interactions"].deleted == 2
    assert sorted(key for key in interactions(db, lauragais) if key.startswith("weekly")) == [
        "weekly@petr.example#20260105T080000Z", "weekly@petr.example#20260126T080000Z",
        "weekly@petr.example#20260209T080000Z"]


def test_what_the_file_does_not_hold_is_kept(db, lauragais, team):
    """Events absent from the file (another calendar, a shorter export), occurrences outside the
    window and events merely left out this time (private) are not deleted."""
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW, include_private=True)
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", include_private=True,
               since=datetime(2024, 1, 1, tzinfo=UTC), until=datetime(2024, 2, 1, tzinfo=UTC))
    before = set(interactions(db, lauragais))
    without_lunch = CALENDAR.replace(b"UID:lunch-1@petr.example", b"UID:lunch-2@petr.example")

    report = import_ics(db, workspace=lauragais, data=without_lunch, actor="test", now=NOW)

    assert report.counts["interactions"].deleted == 0
    assert before <= set(interactions(db, lauragais))
    assert {"lunch-1@petr.example", "private@petr.example", "long-ago@petr.example"} <= before


def test_a_dry_run_counts_what_would_be_deleted(db, lauragais, team):
    import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW)
    cancelled = CALENDAR.replace(b"UID:lunch-1@petr.example\r\n", b"UID:lunch-1@petr.example\r\nSTATUS:CANCELLED\r\n")

    report = import_ics(db, workspace=lauragais, data=cancelled, actor="test", now=NOW, dry_run=True)

    assert report.counts["interactions"].deleted == 1
    assert "lunch-1@petr.example" in interactions(db, lauragais)


def test_private_events_on_request(db, lauragais, team):
    report = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW, include_private=True)
    assert report.counts["interactions"].created == 11
    assert "private" not in report.skipped_by_reason


def test_the_window(db, lauragais, team):
    report = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test",
                        since=datetime(2024, 1, 1, tzinfo=UTC), until=datetime(2026, 1, 16, tzinfo=UTC))
    assert sorted(interactions(db, lauragais)) == [
        "long-ago@petr.example", "office-hours@petr.example", "weekly@petr.example#20260105T080000Z"]
    assert report.info["events_in_file"] == 11  # VEVENTs, the moved occurrence included
    with pytest.raises(Invalid, match="window is empty"):
        import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", since=NOW, until=NOW)


def test_dry_run_writes_nothing(db, lauragais, team):
    report = import_ics(db, workspace=lauragais, data=CALENDAR, actor="test", now=NOW, dry_run=True,
                        create_missing=True)
    assert report.counts["interactions"].created == 10
    assert interactions(db, lauragais) == {}
    assert count(db, Person, Person.workspace_id == lauragais.id) == 2


@pytest.mark.parametrize("content", [b"", b"not a calendar", b"BEGIN:VCARD\r\nEND:VCARD\r\n"])
def test_what_is_not_a_calendar_is_refused(db, lauragais, content):
    with pytest.raises(Invalid):
        import_ics(db, workspace=lauragais, data=content, actor="test", now=NOW)


@pytest.mark.parametrize(
    ("summary", "categories", "kind"),
    [("Déjeuner avec le maire", [], "informal"), ("Petit-déjeuner des élus", [], "informal"),
     ("Café avec la DGS", [], "informal"), ("Permanence du président", [], "office_hours"),
     ("Point téléphonique", [], "call"), ("Visioconférence ANCT", [], "call"), ("Point", ["Visio"], "call"),
     ("Conseil syndical", [], "meeting"), ("Cafétéria: comité", [], "meeting")],
)
def test_the_kind_is_guessed_from_summary_and_categories(summary, categories, kind):
    assert guess_kind(summary, categories) == kind
