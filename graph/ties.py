"""Aggregate a window's interactions into person ties and institution liaisons.

This is the hot loop of every analysis (125,000 ties from 50,000 interactions at territory
scale), kept apart from graph construction so that it runs once when both graphs, the
metrics and the gaps are computed together. Records are plain lists, indexed by the
constants below, because they are created and updated hundreds of thousands of times.

Semantics (DESIGN.md §4):

- person tie: an interaction among n people adds 1/(n−1) to each of its pairs;
- institution liaison: an interaction links institutions A and B when one participant
  represented A and *another* represented B on that day (one person wearing both hats does
  not link them), or when a body took part without a known person (``institution_ids``);
  each linking interaction adds 1.

Both are optionally decayed by age: a contribution halves every ``half_life_days``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from graph.affiliations import AffiliationIndex
from graph.gcpause import gc_paused
from graph.rows import InteractionRow, Territory
from graph.window import check_window, decay_factor, in_window, utc_day

# Fields of a tie / liaison record.
WEIGHT, COUNT, INFORMAL, FIRST, LAST = 0, 1, 2, 3, 4
CARRIERS_LOW, CARRIERS_HIGH, INTERACTIONS = 5, 6, 7

SEVERAL = -1  # marker: more than one participant (or a body in its own right)
_SHARE = [0.0, 0.0] + [1.0 / (n - 1) for n in range(2, 128)]


@dataclass(frozen=True, slots=True)
class WindowData:
    """A territory's interactions for one window, sorted, with its affiliation index."""

    territory: Territory
    rows: list[InteractionRow]
    index: AffiliationIndex
    since: datetime
    until: datetime
    half_life_days: float | None


def window_data(
    territory: Territory,
    interactions: Iterable[InteractionRow],
    *,
    since: datetime,
    until: datetime,
    half_life_days: float | None = None,
) -> WindowData:
    """Select and sort the window's interactions and index affiliations once.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import InteractionRow, Territory
    >>> t = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> data = window_data(Territory(None, (), (), (), ()),
    ...                    [InteractionRow(1, t, "meeting", True, (1, 2, 3))],
    ...                    since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                    until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> len(data.rows)
    1
    """
    check_window(since, until)
    return WindowData(
        territory=territory,
        rows=in_window(interactions, since, until),
        index=AffiliationIndex(territory, since, until),
        since=since,
        until=until,
        half_life_days=half_life_days,
    )


def person_ties(data: WindowData) -> dict[tuple[int, int], list]:
    """``(low id, high id) → [weight, count, informal_count, first, last]``.

    Rows come in time order, so a tie's first sighting is its first contact and every later
    one its latest.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import InteractionRow, Territory
    >>> t = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> data = window_data(Territory(None, (), (), (), ()),
    ...                    [InteractionRow(1, t, "meeting", True, (1, 2, 3))],
    ...                    since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                    until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> person_ties(data)[(1, 2)][:3]  # weight 1/(3−1), once, formal
    [0.5, 1, 0]
    """
    ties: dict[tuple[int, int], list] = {}
    get = ties.get
    until, half_life = data.until, data.half_life_days
    with gc_paused():
        for row in data.rows:
            people = row.person_ids  # sorted and unique: InteractionRow guarantees it
            n = len(people)
            if n < 2:
                continue
            share = _SHARE[n] if n < len(_SHARE) else 1.0 / (n - 1)
            if half_life is not None:
                share *= decay_factor(row.occurred_at, until, half_life)
            informal = not row.formal
            moment = row.occurred_at
            for pair in combinations(people, 2):
                tie = get(pair)
                if tie is None:
                    ties[pair] = [share, 1, int(informal), moment, moment]
                else:
                    tie[0] += share
                    tie[1] += 1
                    tie[2] += informal
                    tie[4] = moment
    return ties


def person_tie_weights(data: WindowData) -> dict[tuple[int, int], float]:
    """``(low id, high id) → weight`` only: what metrics and gaps need, at half the cost of
    :func:`person_ties` (one dict update per pair instead of a record's four).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import InteractionRow, Territory
    >>> t = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> data = window_data(Territory(None, (), (), (), ()),
    ...                    [InteractionRow(1, t, "meeting", True, (1, 2, 3))],
    ...                    since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                    until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> person_tie_weights(data)
    {(1, 2): 0.5, (1, 3): 0.5, (2, 3): 0.5}
    """
    weights: dict[tuple[int, int], float] = {}
    get = weights.get
    until, half_life = data.until, data.half_life_days
    with gc_paused():
        for row in data.rows:
            people = row.person_ids
            n = len(people)
            if n < 2:
                continue
            share = _SHARE[n] if n < len(_SHARE) else 1.0 / (n - 1)
            if half_life is not None:
                share *= decay_factor(row.occurred_at, until, half_life)
            for pair in combinations(people, 2):
                weights[pair] = get(pair, 0.0) + share
    return weights


def institution_liaisons(
    data: WindowData, *, detail_for: set[tuple[int, int]] | None = None
) -> dict[tuple[int, int], list]:
    """``(low id, high id) → [weight, count, informal_count, first, last, carriers of low,
    carriers of high, interaction ids]``.

    Carriers map person id → number of linking interactions that person carried on that
    side. Carriers and interaction ids cost more than the rest of the aggregation together,
    so ``detail_for`` limits them to the given pairs (the expected liaisons, when only gaps
    need them); ``None`` keeps them for every liaison. Other liaisons get empty ones.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from graph.rows import InteractionRow, Territory
    >>> t = datetime(2025, 3, 1, tzinfo=timezone.utc)
    >>> data = window_data(Territory(None, (), (), (), ()),
    ...                    [InteractionRow(1, t, "meeting", True, (1,), (7, 8))],
    ...                    since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                    until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> institution_liaisons(data)[(7, 8)][1:3]  # two bodies met, once, formally
    [1, 0]
    """
    liaisons: dict[tuple[int, int], list] = {}
    get = liaisons.get
    index = data.index
    static = index.static_institutions
    until, half_life = data.until, data.half_life_days
    with gc_paused():
        for row in data.rows:
            # Institution → the one participant representing it, or SEVERAL. Two
            # institutions represented by the same single person are that person wearing
            # both hats, not a liaison; anything else present together is one.
            alone: dict[int, int] = {}
            two_hats = False
            for person in row.person_ids:
                institutions = static.get(person)
                if institutions is None:
                    institutions = index.institutions_on(person, utc_day(row.occurred_at))
                if len(institutions) > 1:
                    two_hats = True
                for inst in institutions:
                    alone[inst] = SEVERAL if inst in alone else person
            for inst in row.institution_ids:
                alone[inst] = SEVERAL  # a body in its own right links with anyone
            if len(alone) < 2:
                continue
            if half_life is not None:
                contribution = decay_factor(row.occurred_at, until, half_life)
            informal = not row.formal
            moment = row.occurred_at
            sides = None
            for pair in combinations(sorted(alone), 2):
                if two_hats:
                    person = alone[pair[0]]
                    if person != SEVERAL and person == alone[pair[1]]:
                        continue
                liaison = get(pair)
                if liaison is None:
                    liaison = [0.0, 0, 0, moment, moment, {}, {}, []]
                    liaisons[pair] = liaison
                if half_life is not None:  # otherwise the weight is the count, set below
                    liaison[0] += contribution
                liaison[1] += 1
                liaison[2] += informal
                liaison[4] = moment
                if detail_for is None or pair in detail_for:
                    if sides is None:
                        sides = _sides(row, index, static)
                    a, b = pair
                    a_body, b_body = a in row.institution_ids, b in row.institution_ids
                    _count_carriers(liaison[5], sides[a], sides[b], b_body)
                    _count_carriers(liaison[6], sides[b], sides[a], a_body)
                    liaison[7].append(row.id)
        if half_life is None:
            for liaison in liaisons.values():
                liaison[0] = float(liaison[1])
    return liaisons


def _sides(row: InteractionRow, index: AffiliationIndex, static: dict) -> dict[int, set[int]]:
    """Institution id → the participants who represented it in this interaction."""
    sides: dict[int, set[int]] = {}
    for person in row.person_ids:
        institutions = static.get(person)
        if institutions is None:
            institutions = index.institutions_on(person, utc_day(row.occurred_at))
        for inst in institutions:
            side = sides.get(inst)
            if side is None:
                sides[inst] = {person}
            else:
                side.add(person)
    for inst in row.institution_ids:
        if inst not in sides:
            sides[inst] = set()
    return sides


def _count_carriers(
    counts: dict[int, int], mine: set[int], theirs: set[int], theirs_as_body: bool
) -> None:
    """Count the people of my side who met someone else on the other side."""
    carriers = mine if theirs_as_body or len(theirs) >= 2 else mine - theirs
    for person in carriers:
        counts[person] = counts.get(person, 0) + 1
