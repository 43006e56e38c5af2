"""Which liaisons a territory expects, and which institutions it therefore watches.

By default (DESIGN.md §4) the workspace's body and each of its direct members (PETR ↔ each
member EPCI), plus the pairs configured for the workspace (PETR ↔ sous-préfecture, ↔ Région,
↔ Département, an EPCI ↔ its communes…). Not every commune by default, or the report drowns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph.rows import MembershipRow, Territory


@dataclass(frozen=True, slots=True)
class ExpectedPair:
    """An expected liaison; ``ours`` is the side the workspace speaks for (its body)."""

    ours: int
    theirs: int
    source: str  # "membership" (body ↔ direct member) or "configured"

    @property
    def key(self) -> tuple[int, int]:
        """The pair as aggregated liaisons index it: (low id, high id)."""
        return (min(self.ours, self.theirs), max(self.ours, self.theirs))


def membership_in_force(row: MembershipRow, first: date, last: date) -> bool:
    """Whether a membership holds on at least one day of ``[first, last]``."""
    return (row.valid_from is None or row.valid_from <= last) and (
        row.valid_to is None or first <= row.valid_to
    )


def direct_members(territory: Territory, group_id: int, first: date, last: date) -> list[int]:
    """Ids of the direct members of ``group_id`` during ``[first, last]``, sorted."""
    return sorted(
        {
            row.member_id
            for row in territory.memberships
            if row.group_id == group_id and membership_in_force(row, first, last)
        }
    )


def expected_pairs(territory: Territory, first: date, last: date) -> list[ExpectedPair]:
    """Default pairs (body ↔ direct members) then configured ones, without duplicates.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.rows import MembershipRow, Territory
    >>> territory = Territory(1, (), (MembershipRow(2, 1), MembershipRow(3, 1)), (), (),
    ...                       expected_pairs=((1, 9), (2, 1)))
    >>> [(p.ours, p.theirs, p.source)
    ...  for p in expected_pairs(territory, date(2025, 1, 1), date(2025, 12, 31))]
    [(1, 2, 'membership'), (1, 3, 'membership'), (1, 9, 'configured')]
    """
    pairs: list[ExpectedPair] = []
    seen: set[tuple[int, int]] = set()

    def add(pair: ExpectedPair) -> None:
        if pair.ours != pair.theirs and pair.key not in seen:
            seen.add(pair.key)
            pairs.append(pair)

    if territory.body_id is not None:
        for member in direct_members(territory, territory.body_id, first, last):
            add(ExpectedPair(territory.body_id, member, "membership"))
    for a, b in territory.expected_pairs:
        # The body's side is "ours" whichever way the pair was configured.
        if b == territory.body_id:
            a, b = b, a
        add(ExpectedPair(a, b, "configured"))
    return pairs


def watched_institutions(territory: Territory, pairs: list[ExpectedPair]) -> set[int]:
    """The body and every institution of an expected pair."""
    watched = {i for pair in pairs for i in (pair.ours, pair.theirs)}
    if territory.body_id is not None:
        watched.add(territory.body_id)
    return watched
