"""Two periods side by side: before and after the 2026 municipal elections."""

from datetime import UTC, datetime

from graph.evolution import compare_periods
from graph.rows import (
    AffiliationRow,
    InstitutionRow,
    InteractionRow,
    MembershipRow,
    PersonRow,
    Territory,
)

UTC = UTC
BEFORE = (datetime(2025, 4, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
AFTER = (datetime(2026, 4, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC))
PETR, COTEAUX, PLATEAU = 1, 2, 3
ANNE, BRUNO, DENIS = 10, 20, 30

TERRITORY = Territory(
    PETR,
    (
        InstitutionRow(PETR, "PETR du Val", "petr"),
        InstitutionRow(COTEAUX, "CC des Coteaux", "epci"),
        InstitutionRow(PLATEAU, "CA du Plateau", "epci"),
    ),
    (MembershipRow(COTEAUX, PETR), MembershipRow(PLATEAU, PETR)),
    (PersonRow(ANNE, "Anne"), PersonRow(BRUNO, "Bruno"), PersonRow(DENIS, "Denis")),
    (
        AffiliationRow(ANNE, PETR, "executive", "Directrice"),
        AffiliationRow(BRUNO, COTEAUX, "executive", "DGS"),
        AffiliationRow(DENIS, PLATEAU, "executive", "DGS"),
    ),
)


def monthly(first_id, a, b, year_from, month_from):
    """Twelve monthly meetings, half of them informal."""
    rows = []
    for k in range(12):
        year, month = year_from + (month_from - 1 + k) // 12, (month_from - 1 + k) % 12 + 1
        when = datetime(year, month, 10, tzinfo=UTC)
        rows.append(InteractionRow(first_id + k, when, "meeting", k % 2 == 0, (a, b)))
    return rows


# Before the elections the PETR talked with the Coteaux; after, with the Plateau only.
ROWS = monthly(100, ANNE, BRUNO, 2025, 4) + monthly(200, ANNE, DENIS, 2026, 4)


def test_gaps_that_opened_and_closed():
    change = compare_periods(TERRITORY, ROWS, before=BEFORE, after=AFTER)
    opened = {(g["kind"], g["institutions"][-1]["id"]) for g in change["gaps"]["opened"]}
    closed = {(g["kind"], g["institutions"][-1]["id"]) for g in change["gaps"]["closed"]}
    assert ("missing_liaison", COTEAUX) in opened
    assert ("missing_liaison", PLATEAU) in closed


def test_persisting_gaps_say_their_severity_then_and_now():
    change = compare_periods(TERRITORY, ROWS, before=BEFORE, after=AFTER)
    persisting = change["gaps"]["persisting"]
    assert persisting and all(g["severity_before"] in ("high", "medium", "low") for g in persisting)
    assert {g["kind"] for g in persisting} == {"no_elected_bridge", "unidentified_key_role"}


def test_metric_deltas_for_the_strongest_nodes_of_either_period():
    change = compare_periods(TERRITORY, ROWS, before=BEFORE, after=AFTER, top=3)
    rows = {row["id"]: row for row in change["metrics"]["person"]}
    assert set(rows) == {ANNE, BRUNO, DENIS}
    bruno = rows[BRUNO]
    assert (bruno["before"]["degree"], bruno["after"]["degree"], bruno["delta"]["degree"]) == (1, 0, -1)
    assert rows[DENIS]["delta"]["strength"] == 12.0
    assert change["metrics"]["institution"][0]["id"] == PETR


def test_each_period_reports_its_window_and_summary():
    change = compare_periods(TERRITORY, ROWS, before=BEFORE, after=AFTER)
    assert change["before"]["window"] == {"since": BEFORE[0].isoformat(), "until": BEFORE[1].isoformat()}
    assert change["after"]["summary"]["by_kind"]["missing_liaison"] == 1
    assert change["after"]["graph"]["person"]["edges"] == 1


def test_same_data_same_comparison():
    assert compare_periods(TERRITORY, ROWS, before=BEFORE, after=AFTER) == compare_periods(
        TERRITORY, list(reversed(ROWS)), before=BEFORE, after=AFTER
    )
