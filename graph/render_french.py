"""French wording for maps: dates, numbers, periods and filters as plain text.

Every function here returns a ``str`` meant to be shown as text (never as HTML): the map
template escapes it, and vis-network shows tooltips with ``innerText``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from numbers import Real
from typing import Any

__all__ = [
    "french_date",
    "french_datetime",
    "french_filters",
    "french_number",
    "french_period",
    "french_value",
]

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)

# French typography groups thousands with a narrow no-break space (U+202F), so that
# "12 345" never wraps between its groups.
THOUSANDS_SEPARATOR = "\u202f"

Period = str | tuple[date | datetime | None, date | datetime | None] | None


def french_date(value: date | datetime) -> str:
    """Return a date written out in French, e.g. ``"1er mars 2025"``.

    Parameters
    ----------
    value : date or datetime
        For a datetime, only its own (local) calendar date is used.

    Examples
    --------
    >>> french_date(date(2025, 3, 1))
    '1er mars 2025'
    """
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_datetime(value: datetime) -> str:
    """Return a date and time in French, e.g. ``"12 mars 2025 à 14 h 05"``.

    The time is printed as stored, in the datetime's own timezone: convert to the user's
    timezone (Europe/Paris) before calling.

    Examples
    --------
    >>> french_datetime(datetime(2025, 3, 12, 14, 5))
    '12 mars 2025 à 14 h 05'
    """
    return f"{french_date(value)} à {value.hour} h {value.minute:02d}"


def french_number(value: Real) -> str:
    """Return a number in French notation: decimal comma, grouped thousands.

    Integers (and floats equal to an integer) are printed without decimals; other values
    keep two decimals above 1 and three significant digits below, which is enough to
    compare metric values in a tooltip.

    Examples
    --------
    >>> french_number(1234567)
    '1\u202f234\u202f567'
    >>> french_number(0.012345)
    '0,0123'
    >>> french_number(2.5)
    '2,5'
    """
    number = float(value)
    if not math.isfinite(number):
        return "—"
    if number == int(number) and abs(number) < 1e15:
        text = f"{int(number):,}"
    else:
        if abs(number) >= 1:
            decimals = 2
        else:
            decimals = 2 - math.floor(math.log10(abs(number)))
        text = f"{number:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", THOUSANDS_SEPARATOR).replace(".", ",")


def french_value(value: Any) -> str:
    """Return any attribute value as French text for a tooltip or a header line.

    Booleans become ``oui``/``non``, dates are written out, numbers use
    :func:`french_number`, collections are joined with commas, ``None`` becomes a dash.

    Examples
    --------
    >>> french_value(["mobilité", "eau"])
    'mobilité, eau'
    >>> french_value(True)
    'oui'
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        if value.hour or value.minute:
            return french_datetime(value)
        return french_date(value)
    if isinstance(value, date):
        return french_date(value)
    if isinstance(value, Real):
        return french_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{key} : {french_value(item)}" for key, item in value.items())
    if isinstance(value, Iterable):
        return ", ".join(french_value(item) for item in value)
    return str(value)


def french_period(period: Period) -> str:
    """Return an analysis window as French text.

    Parameters
    ----------
    period : str, (start, end) or None
        A ready-made text is returned unchanged; in a pair, either bound may be ``None``
        (open window); ``None`` means the whole history.

    Examples
    --------
    >>> french_period((date(2025, 1, 1), date(2025, 3, 31)))
    'du 1er janvier 2025 au 31 mars 2025'
    >>> french_period((None, date(2025, 3, 31)))
    "jusqu'au 31 mars 2025"
    """
    if period is None:
        return "toute la période enregistrée"
    if isinstance(period, str):
        return period
    start, end = period
    if start is not None and end is not None:
        return f"du {french_date(start)} au {french_date(end)}"
    if start is not None:
        return f"depuis le {french_date(start)}"
    if end is not None:
        return f"jusqu'au {french_date(end)}"
    return "toute la période enregistrée"


def french_filters(filters: Mapping[str, Any] | Iterable[str] | None) -> list[str]:
    """Return the filters of a map as French text lines, one per filter.

    Parameters
    ----------
    filters : mapping, iterable of str or None
        A mapping of French filter names to values (a value may be a list, e.g.
        ``{"Thématiques": ["mobilité", "eau"]}``), or lines already written. Empty values
        are left out.

    Examples
    --------
    >>> french_filters({"Thématiques": ["mobilité", "eau"], "Types": []})
    ['Thématiques : mobilité, eau']
    """
    if not filters:
        return []
    if isinstance(filters, Mapping):
        lines = []
        for name, value in filters.items():
            if value is None or value == "" or (
                isinstance(value, Iterable) and not isinstance(value, str) and not value
            ):
                continue
            lines.append(f"{name} : {french_value(value)}")
        return lines
    if isinstance(filters, str):
        return [filters]
    return [str(line) for line in filters if str(line)]
