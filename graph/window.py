"""The analysis window [since, until) and the small date arithmetic around it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter

from graph.rows import InteractionRow


def window_ending(until: datetime, days: int) -> tuple[datetime, datetime]:
    """The window of ``days`` days ending (exclusively) at ``until``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> since, until = window_ending(datetime(2026, 1, 1, tzinfo=timezone.utc), 365)
    >>> since.date().isoformat()
    '2025-01-01'
    """
    check_window(until - timedelta(days=days), until)
    return until - timedelta(days=days), until


def check_window(since: datetime, until: datetime) -> None:
    """Raise ``ValueError`` unless ``since < until`` are both timezone-aware."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("since and until must be timezone-aware datetimes")
    if not since < until:
        raise ValueError(f"empty window: since={since.isoformat()} until={until.isoformat()}")


def last_day(until: datetime) -> date:
    """The last calendar day (UTC) inside a window ending at ``until``."""
    return (until.astimezone(UTC) - timedelta(microseconds=1)).date()


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of a timezone-aware datetime."""
    return moment.astimezone(UTC).date()


def in_window(
    interactions: Iterable[InteractionRow], since: datetime, until: datetime
) -> list[InteractionRow]:
    """Interactions with ``since <= occurred_at < until``, in (time, id) order.

    Sorting makes every result independent of the order the rows were loaded in, and lets
    aggregation treat the first sighting of a tie as its first contact.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> day = lambda d: datetime(2025, 1, d, tzinfo=timezone.utc)
    >>> rows = [InteractionRow(i, day(d), "call", True, (1, 2))
    ...         for i, d in [(1, 9), (2, 3), (3, 1)]]
    >>> [r.id for r in in_window(rows, day(2), day(9))]
    [2]
    """
    kept = [it for it in interactions if since <= it.occurred_at < until]
    kept.sort(key=_TIME_THEN_ID)
    return kept


_TIME_THEN_ID = attrgetter("occurred_at", "id")


def decay_factor(moment: datetime, until: datetime, half_life_days: float | None) -> float:
    """Weight multiplier for an interaction's age: halves every ``half_life_days``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> until = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> decay_factor(datetime(2025, 12, 2, tzinfo=timezone.utc), until, 30)
    0.5
    """
    if half_life_days is None:
        return 1.0
    age_days = (until - moment).total_seconds() / 86400.0
    return 0.5 ** (age_days / half_life_days)


def iso_day(moment: datetime | date | None) -> str | None:
    """ISO date of a datetime or date, ``None`` kept."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return utc_day(moment).isoformat()
    return moment.isoformat()
