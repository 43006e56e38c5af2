"""Plain input rows handed to the analysis layer.

The application loads these from the database (or a test builds them by hand); nothing in
``graph/`` knows about sessions or ORM objects. All rows are frozen, slotted dataclasses so a
territory can be shared between threads and cached without fear of mutation.

Dates follow one convention: interactions carry timezone-aware UTC datetimes; affiliations and
memberships carry calendar dates, both ends inclusive, ``None`` meaning "open".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

INSTITUTION_KINDS = (
    "state_central",
    "state_service",
    "region",
    "departement",
    "epci",
    "petr",
    "pnr",
    "syndicat",
    "commune",
    "other",
)
ROLE_CATEGORIES = ("elected", "executive", "technical", "other")
INTERACTION_KINDS = (
    "meeting",
    "informal",
    "call",
    "email",
    "office_hours",
    "event",
    "visit",
    "other",
)


@dataclass(frozen=True, slots=True)
class InstitutionRow:
    """A public body: PETR, EPCI, commune, State service…"""

    id: int
    name: str
    kind: str
    subtype: str | None = None
    siren: str | None = None


@dataclass(frozen=True, slots=True)
class MembershipRow:
    """``member_id`` belongs to ``group_id`` (an EPCI in a PETR, a commune in an EPCI…)."""

    member_id: int
    group_id: int
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person (acteur) of the workspace."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class AffiliationRow:
    """A person's role in an institution over a period (mandat, poste)."""

    person_id: int
    institution_id: int
    role_category: str
    title: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class InteractionRow:
    """One logged exchange.

    ``institution_ids`` lists bodies that took part when no person is known for them
    (e.g. "la sous-préfecture était représentée"). ``person_ids`` and ``institution_ids``
    are stored sorted and without duplicates whatever order they are given in, so that the
    aggregation loops (run over every interaction of every analysis) need not check.
    ``occurred_at`` must be timezone-aware.
    """

    id: int
    occurred_at: datetime
    kind: str
    formal: bool
    person_ids: tuple[int, ...]
    institution_ids: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError(f"interaction {self.id}: occurred_at must be timezone-aware")
        for name in ("person_ids", "institution_ids"):
            ids = getattr(self, name)
            if not _strictly_increasing(ids):
                object.__setattr__(self, name, tuple(sorted(set(ids))))
        if not isinstance(self.topics, tuple):
            object.__setattr__(self, "topics", tuple(self.topics))


def _strictly_increasing(ids) -> bool:
    """True for a tuple already sorted without duplicates."""
    if not isinstance(ids, tuple):
        return False
    return all(a < b for a, b in zip(ids, ids[1:]))


@dataclass(frozen=True, slots=True)
class Territory:
    """Everything static about one workspace's territory.

    ``body_id`` is the workspace's own body (the PETR, PNR, syndicat…), or ``None`` for a
    workspace without one. ``expected_pairs`` are the workspace-configured extra liaisons
    (PETR ↔ sous-préfecture…); the default ones, body ↔ each direct member, are derived from
    ``memberships``.
    """

    body_id: int | None
    institutions: tuple[InstitutionRow, ...]
    memberships: tuple[MembershipRow, ...]
    people: tuple[PersonRow, ...]
    affiliations: tuple[AffiliationRow, ...]
    expected_pairs: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    """Workspace analysis settings, with the defaults a PETR would start from.

    Attributes
    ----------
    window_days : analysis window length, ending at ``until``.
    dormancy_days : an expected liaison whose last contact is older than this is dormant.
    half_life_days : if set, a tie's weight halves every ``half_life_days`` of age.
    weakening_ratio : a liaison weakens when recent activity ≤ ratio × the period before.
    sample_threshold : above this many nodes, betweenness and closeness are estimated from
        ``sample_k`` sources drawn with ``seed`` (the result's meta says so).
    sample_k : number of sampled sources.
    seed : seed of every random choice (sampling, Louvain).
    trend_days : length of the "recent" period for weakening liaisons; ``None`` means half
        the window (recent half against the older half).
    weakening_min_count : interactions needed in the period before to call a drop a weakening.
    formal_only_min_count : interactions needed before "never informal" is worth reporting.
    single_thread_min_count : interactions needed before "always the same person" is.
    prune_below : if set, person ties weaker than this are ignored by betweenness and
        closeness (weak ties are long hops, rarely on shortest paths); the meta says so.
    """

    window_days: int = 365
    dormancy_days: int = 90
    half_life_days: float | None = None
    weakening_ratio: float = 0.5
    sample_threshold: int = 500
    sample_k: int = 128
    seed: int = 42
    trend_days: int | None = None
    weakening_min_count: int = 4
    formal_only_min_count: int = 3
    single_thread_min_count: int = 2
    prune_below: float | None = None
