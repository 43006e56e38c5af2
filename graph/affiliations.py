"""Who belonged to which institution, and when.

Building the institution graph asks "which bodies did this participant represent on that
day?" hundreds of thousands of times, so the index answers in constant time for the common
case (affiliations covering the whole window) and falls back to a date check otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from graph.roles import key_role_kind
from graph.rows import AffiliationRow, Territory
from graph.window import last_day, utc_day

_CATEGORY_RANK = {"executive": 0, "elected": 1, "technical": 2, "other": 3}


def covers(affiliation: AffiliationRow, day: date) -> bool:
    """Whether an affiliation is in force on ``day`` (both ends inclusive)."""
    return (affiliation.start is None or affiliation.start <= day) and (
        affiliation.end is None or day <= affiliation.end
    )


def overlaps(affiliation: AffiliationRow, first: date, last: date) -> bool:
    """Whether an affiliation is in force on at least one day of ``[first, last]``."""
    return (affiliation.start is None or affiliation.start <= last) and (
        affiliation.end is None or first <= affiliation.end
    )


class AffiliationIndex:
    """Affiliations of a territory restricted to a window, indexed by person.

    Parameters
    ----------
    territory : Territory
    since, until : datetime
        The analysis window; affiliations that do not overlap it are ignored.
    """

    def __init__(self, territory: Territory, since: datetime, until: datetime) -> None:
        self.first_day = utc_day(since)
        self.last_day = last_day(until)
        self.in_window: dict[int, list[AffiliationRow]] = defaultdict(list)
        for row in territory.affiliations:
            if overlaps(row, self.first_day, self.last_day):
                self.in_window[row.person_id].append(row)
        # Persons whose every affiliation spans the whole window need no date check: the
        # hot loops read static_institutions directly.
        self.static_institutions: dict[int, tuple[int, ...]] = {}
        self._dated: dict[int, list[AffiliationRow]] = {}
        for person_id, rows in self.in_window.items():
            if all(covers(r, self.first_day) and covers(r, self.last_day) for r in rows):
                institutions = {r.institution_id for r in rows}
                self.static_institutions[person_id] = tuple(sorted(institutions))
            else:
                self._dated[person_id] = rows

    def institutions_on(self, person_id: int, day: date) -> tuple[int, ...]:
        """Institutions ``person_id`` was affiliated to on ``day``."""
        static = self.static_institutions.get(person_id)
        if static is not None:
            return static
        rows = self._dated.get(person_id)
        if not rows:
            return ()
        return tuple(sorted({r.institution_id for r in rows if covers(r, day)}))

    def institutions_during(self, person_id: int) -> tuple[int, ...]:
        """Institutions ``person_id`` was affiliated to at some point of the window."""
        return tuple(sorted({r.institution_id for r in self.in_window.get(person_id, ())}))

    def main_affiliation(self, person_id: int) -> AffiliationRow | None:
        """The affiliation that best describes a person at the end of the window.

        Preference: still in force at the end of the window, then a key role, then by role
        category (executive, elected, technical, other), then the oldest, then the lowest
        institution id (so the choice is deterministic).
        """
        rows = self.in_window.get(person_id)
        if not rows:
            return None

        def rank(row: AffiliationRow) -> tuple:
            return (
                not covers(row, self.last_day),
                key_role_kind(row.title, row.role_category) is None,
                _CATEGORY_RANK.get(row.role_category, len(_CATEGORY_RANK)),
                row.start or date.min,
                row.institution_id,
                row.title,
            )

        return min(rows, key=rank)
