"""Gaps in liaison (écarts de liaison), every kind of DESIGN.md §4.

Each gap is a plain dict::

    {"kind": "dormant_liaison", "severity": "high" | "medium" | "low",
     "institutions": [{"id", "name", "siren"}], "people": [{"id", "name"}],
     "evidence": {...}, "recommendation": "<action concrète, en français>"}

Pair kinds (missing, dormant, single thread, formal only, weakening) look at the *expected*
liaisons only (body ↔ direct members, plus the configured pairs): those are the liaisons a
PETR answers for, and looking at every commune pair would drown the report. Institution
kinds (unidentified key role, no elected bridge) look at the body's direct members and the
configured partners; person kinds (isolated actor, broker dependency) at the people of those
institutions. Gaps are sorted by severity, then kind (in the order of :data:`GAP_KINDS`),
then institution name: the same data always gives the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from graph import recommendations as advice
from graph.affiliations import AffiliationIndex, covers
from graph.backends import WeightedGraph
from graph.brokers import broker_dependencies
from graph.build import person_attributes
from graph.expected import ExpectedPair, direct_members, expected_pairs, watched_institutions
from graph.roles import ELECTED_HEADS, EXECUTIVE_HEADS, key_role_kind, normalise_title
from graph.rows import AnalysisSettings, InstitutionRow, InteractionRow, Territory
from graph.ties import (
    CARRIERS_HIGH,
    CARRIERS_LOW,
    COUNT,
    INFORMAL,
    INTERACTIONS,
    LAST,
    WindowData,
    institution_liaisons,
    person_tie_weights,
    window_data,
)
from graph.window import iso_day

GAP_KINDS = (
    "missing_liaison",
    "dormant_liaison",
    "single_thread",
    "formal_only",
    "unidentified_key_role",
    "no_elected_bridge",
    "isolated_actor",
    "broker_dependency",
    "weakening_liaison",
)
SEVERITIES = ("high", "medium", "low")
# Which heads an institution of each kind is expected to have identified.
_STATE_KINDS = frozenset({"state_central", "state_service"})


def find_gaps(
    territory: Territory,
    interactions: Iterable[InteractionRow],
    *,
    since: datetime,
    until: datetime,
    settings: AnalysisSettings | None = None,
    backend: str = "auto",
) -> list[dict]:
    """Every gap in liaison of a territory over ``[since, until)``.

    Parameters
    ----------
    territory : Territory
    interactions : iterable of InteractionRow
        Those outside the window are ignored.
    since, until : datetime
        Timezone-aware window bounds (``until`` excluded); "days since" count from ``until``.
    settings : AnalysisSettings, optional
        Dormancy threshold, weakening ratio, minimum counts, half-life.
    backend : {"auto", "igraph", "networkx"}
        For the articulation points behind broker dependencies.

    Returns
    -------
    list of dict
        Sorted gaps (see the module docstring for their shape).

    Examples
    --------
    A PETR with one member EPCI it never talks to:

    >>> from datetime import datetime, timezone
    >>> from graph.rows import InstitutionRow, MembershipRow, Territory
    >>> territory = Territory(
    ...     body_id=1,
    ...     institutions=(InstitutionRow(1, "PETR du Val", "petr"),
    ...                   InstitutionRow(2, "CC des Coteaux", "epci", siren="200000172")),
    ...     memberships=(MembershipRow(2, 1),), people=(), affiliations=())
    >>> gaps = find_gaps(territory, [], since=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                  until=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> [(g["kind"], g["severity"]) for g in gaps]  # doctest: +NORMALIZE_WHITESPACE
    [('missing_liaison', 'high'), ('unidentified_key_role', 'high'),
     ('no_elected_bridge', 'medium')]
    >>> gaps[0]["institutions"][1]
    {'id': 2, 'name': 'CC des Coteaux', 'siren': '200000172'}
    """
    settings = settings or AnalysisSettings()
    data = window_data(
        territory,
        interactions,
        since=since,
        until=until,
        half_life_days=settings.half_life_days,
    )
    pairs = expected_pairs(territory, data.index.first_day, data.index.last_day)
    liaisons = institution_liaisons(data, detail_for={pair.key for pair in pairs})
    ties = person_tie_weights(data)
    nodes = list(person_attributes(data, ties))
    people = WeightedGraph.from_pairs(nodes, ties.keys(), ties.values())
    return gaps_from(data, liaisons, people, settings=settings, backend=backend)


def gaps_from(
    data: WindowData,
    liaisons: dict[tuple[int, int], list],
    people: WeightedGraph,
    *,
    settings: AnalysisSettings,
    backend: str = "auto",
) -> list[dict]:
    """:func:`find_gaps` from already aggregated liaisons and person graph.

    ``liaisons`` must carry carriers and interaction ids for the expected pairs (see
    :func:`graph.ties.institution_liaisons`'s ``detail_for``).
    """
    report = _Report(data, settings)
    report.pair_gaps(liaisons)
    report.key_role_gaps()
    report.elected_bridge_gaps()
    report.isolated_actor_gaps()
    report.broker_gaps(people, backend)
    return sort_gaps(report.gaps, data.territory.body_id)


def sort_gaps(gaps: list[dict], body_id: int | None = None) -> list[dict]:
    """Severity, then kind (order of :data:`GAP_KINDS`), then the names of the institutions
    other than the body (the body is in most gaps and would not discriminate), then ids."""

    def key(gap: dict) -> tuple:
        subjects = [i for i in gap["institutions"] if i["id"] != body_id] or gap["institutions"]
        return (
            SEVERITIES.index(gap["severity"]),
            GAP_KINDS.index(gap["kind"]),
            [normalise_title(i["name"]) for i in subjects],
            [i["id"] for i in gap["institutions"]],
            [p["id"] for p in gap["people"]],
        )

    return sorted(gaps, key=key)


def gap_key(gap: dict) -> tuple:
    """What identifies "the same gap" across two periods: kind, institutions, and the
    person for person-centred kinds."""
    people = ()
    if gap["kind"] in ("isolated_actor", "broker_dependency"):
        people = tuple(sorted(p["id"] for p in gap["people"]))
    return (gap["kind"], tuple(sorted(i["id"] for i in gap["institutions"])), people)


def summary(gaps: list[dict]) -> dict:
    """Counts of gaps, in total, by severity and by kind (every kind listed).

    Examples
    --------
    >>> summary([{"kind": "formal_only", "severity": "medium"}])["by_severity"]
    {'high': 0, 'medium': 1, 'low': 0}
    """
    by_severity = dict.fromkeys(SEVERITIES, 0)
    by_kind = dict.fromkeys(GAP_KINDS, 0)
    for gap in gaps:
        by_severity[gap["severity"]] += 1
        by_kind[gap["kind"]] += 1
    return {"total": len(gaps), "by_severity": by_severity, "by_kind": by_kind}


@dataclass
class _KeyRole:
    person_id: int
    institution_id: int
    kind: str
    title: str


@dataclass
class _Report:
    """The context every gap check reads, and the gaps found so far."""

    data: WindowData
    settings: AnalysisSettings
    gaps: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        territory = self.data.territory
        self.index: AffiliationIndex = self.data.index
        self.body = territory.body_id
        self.institutions = {row.id: row for row in territory.institutions}
        self.names = {row.id: row.name for row in territory.people}
        self.pairs: list[ExpectedPair] = expected_pairs(
            territory, self.index.first_day, self.index.last_day
        )
        self.watched = watched_institutions(territory, self.pairs)
        self.members = (
            direct_members(territory, self.body, self.index.first_day, self.index.last_day)
            if self.body is not None
            else []
        )
        # Who holds a key role or sits as an élu now, i.e. on the window's last day: a maire or a
        # président who left office during the window (an election) is nobody to meet any more.
        self.key_roles: dict[int, list[_KeyRole]] = {}
        self.elected: dict[int, set[int]] = {}
        for person_id, rows in sorted(self.index.in_window.items()):
            in_office = (row for row in rows if covers(row, self.index.last_day))
            for row in sorted(in_office, key=lambda r: (r.institution_id, r.title)):
                kind = key_role_kind(row.title, row.role_category)
                if kind is not None:
                    self.key_roles.setdefault(row.institution_id, []).append(
                        _KeyRole(person_id, row.institution_id, kind, row.title)
                    )
                if row.role_category == "elected":
                    self.elected.setdefault(row.institution_id, set()).add(person_id)

    # --- references -------------------------------------------------------------------

    def institution(self, inst_id: int) -> dict:
        row: InstitutionRow | None = self.institutions.get(inst_id)
        if row is None:
            return {"id": inst_id, "name": f"#{inst_id}", "siren": None}
        return {"id": row.id, "name": row.name, "siren": row.siren}

    def name_of(self, inst_id: int | None) -> str | None:
        return None if inst_id is None else self.institution(inst_id)["name"]

    def person(self, person_id: int) -> dict:
        return {"id": person_id, "name": self.names.get(person_id, f"#{person_id}")}

    def add(self, kind: str, severity: str, institutions: list[int], people: list[int],
            evidence: dict, recommendation: str) -> None:
        self.gaps.append(
            {
                "kind": kind,
                "severity": severity,
                "institutions": [self.institution(i) for i in institutions],
                "people": [self.person(p) for p in people],
                "evidence": evidence,
                "recommendation": recommendation,
            }
        )

    def head_contact(self, inst_id: int) -> _KeyRole | None:
        """The person to approach first in an institution: its executive head, else its
        elected head."""
        roles = self.key_roles.get(inst_id, [])
        for wanted in (EXECUTIVE_HEADS, ELECTED_HEADS):
            for role in roles:
                if role.kind in wanted:
                    return role
        return None

    # --- expected pairs ---------------------------------------------------------------

    def pair_gaps(self, liaisons: dict[tuple[int, int], list]) -> None:
        settings, until = self.settings, self.data.until
        moments = {row.id: row.occurred_at for row in self.data.rows}
        for pair in self.pairs:
            ours, theirs = self.name_of(pair.ours), self.name_of(pair.theirs)
            liaison = liaisons.get(pair.key)
            sides = [pair.ours, pair.theirs]
            if liaison is None:
                contact = self.head_contact(pair.theirs)
                self.add(
                    "missing_liaison", "high", sides, [contact.person_id] if contact else [],
                    {"interactions": 0, "last_contact": None, "expected": pair.source},
                    advice.missing_liaison(
                        ours, theirs,
                        self.names.get(contact.person_id) if contact else None,
                        contact.title if contact else None,
                    ),
                )
                continue
            count, last = liaison[COUNT], liaison[LAST]
            days = (until - last).days
            carriers = {
                pair.key[0]: liaison[CARRIERS_LOW],
                pair.key[1]: liaison[CARRIERS_HIGH],
            }
            facts = {
                "interactions": count,
                "informal_interactions": liaison[INFORMAL],
                "last_contact": iso_day(last),
                "days_since_last_contact": days,
                "expected": pair.source,
            }
            dormant = days > settings.dormancy_days
            if dormant:
                contacts = _top_carriers(carriers[pair.theirs], 2)
                self.add(
                    "dormant_liaison",
                    "high" if days >= 2 * settings.dormancy_days else "medium",
                    sides, contacts,
                    {**facts, "dormancy_days": settings.dormancy_days},
                    advice.dormant_liaison(
                        ours, theirs, iso_day(last), days,
                        [self.names.get(p, f"#{p}") for p in contacts],
                    ),
                )
            self._single_thread(pair, count, carriers, facts)
            if count >= settings.formal_only_min_count and liaison[INFORMAL] == 0:
                self.add("formal_only", "medium", sides, [], facts,
                         advice.formal_only(ours, theirs, count))
            if not dormant:
                self._weakening(pair, [moments[i] for i in liaison[INTERACTIONS]], facts)

    def _single_thread(self, pair: ExpectedPair, count: int, carriers: dict, facts: dict) -> None:
        if count < self.settings.single_thread_min_count:
            return
        single = {}
        for side in (pair.ours, pair.theirs):
            people = carriers[side]
            if len(people) == 1 and next(iter(people.values())) == count:
                single[side] = next(iter(people))
        if not single:
            return
        other_of = {
            self.name_of(pair.ours): self.name_of(pair.theirs),
            self.name_of(pair.theirs): self.name_of(pair.ours),
        }
        self.add(
            "single_thread",
            "high" if len(single) == 2 else "medium",
            [pair.ours, pair.theirs],
            list(single.values()),
            {
                **facts,
                "carried_by": [
                    {"institution_id": side, "person_id": person} for side, person in single.items()
                ],
            },
            advice.single_thread(
                [(self.name_of(side), self.names.get(p, f"#{p}")) for side, p in single.items()],
                other_of,
            ),
        )

    def _weakening(self, pair: ExpectedPair, moments: list[datetime], facts: dict) -> None:
        settings, since, until = self.settings, self.data.since, self.data.until
        recent_length = (
            timedelta(days=settings.trend_days)
            if settings.trend_days is not None
            else (until - since) / 2
        )
        recent_start = until - recent_length
        previous_start = max(since, recent_start - recent_length)
        previous_length = recent_start - previous_start
        if previous_length <= timedelta(0):
            return
        recent = sum(1 for m in moments if m >= recent_start)
        previous = sum(1 for m in moments if previous_start <= m < recent_start)
        if previous < settings.weakening_min_count:
            return
        # Compare rates, in case the period before is cut short by the window.
        ratio = (recent / previous) * (previous_length / recent_length)
        if ratio > settings.weakening_ratio:
            return
        days = recent_length.days
        self.add(
            "weakening_liaison",
            "medium" if ratio <= settings.weakening_ratio / 2 else "low",
            [pair.ours, pair.theirs],
            [],
            {
                **facts,
                "recent_interactions": recent,
                "previous_interactions": previous,
                "recent_period": {"since": iso_day(recent_start), "until": iso_day(until)},
                "previous_period": {
                    "since": iso_day(previous_start),
                    "until": iso_day(recent_start),
                },
                "ratio": round(ratio, 3),
            },
            advice.weakening_liaison(self.name_of(pair.ours), self.name_of(pair.theirs),
                                     previous, recent, days),
        )

    # --- institutions -----------------------------------------------------------------

    def key_role_gaps(self) -> None:
        for inst_id in sorted(self.watched - {self.body}):
            kind = self.institutions[inst_id].kind if inst_id in self.institutions else "other"
            needed = (
                ["executive_head"] if kind in _STATE_KINDS
                else ["elected_head"] if kind == "commune"
                else ["executive_head", "elected_head"]
            )
            found = {role.kind for role in self.key_roles.get(inst_id, [])}
            missing = [
                need for need in needed
                if not found & (EXECUTIVE_HEADS if need == "executive_head" else ELECTED_HEADS)
            ]
            if not missing:
                continue
            known = self.key_roles.get(inst_id, [])
            self.add(
                "unidentified_key_role",
                "high" if len(missing) == len(needed) else "medium",
                [inst_id],
                [r.person_id for r in known],
                {"missing": missing, "known_key_roles": [r.title for r in known]},
                advice.unidentified_key_role(
                    self.name_of(inst_id), missing, self.name_of(self.body)
                ),
            )

    def elected_bridge_gaps(self) -> None:
        if self.body is None:
            return
        body_elected = self.elected.get(self.body, set())
        for member in self.members:
            if self.institutions.get(member) is None or self.institutions[member].kind != "epci":
                continue
            member_elected = self.elected.get(member, set())
            if member_elected & body_elected:
                continue
            president = next(
                (r for r in self.key_roles.get(member, []) if r.kind in ELECTED_HEADS), None
            )
            self.add(
                "no_elected_bridge", "medium", [self.body, member],
                [president.person_id] if president else [],
                {"elected_known_in_member": len(member_elected),
                 "elected_known_in_body": len(body_elected)},
                advice.no_elected_bridge(
                    self.name_of(member), self.name_of(self.body),
                    self.names.get(president.person_id) if president else None,
                ),
            )

    # --- people -----------------------------------------------------------------------

    def isolated_actor_gaps(self) -> None:
        took_part = {p for row in self.data.rows for p in row.person_ids}
        roles_of: dict[int, list[_KeyRole]] = {}
        for inst_id in sorted(self.watched):
            for role in self.key_roles.get(inst_id, []):
                roles_of.setdefault(role.person_id, []).append(role)
        for person_id, roles in sorted(roles_of.items()):
            if person_id in took_part:
                continue
            first = roles[0]
            self.add(
                "isolated_actor", "medium",
                sorted({r.institution_id for r in roles}), [person_id],
                {"interactions": 0, "key_roles": [r.title for r in roles]},
                advice.isolated_actor(
                    self.names.get(person_id, f"#{person_id}"), first.title,
                    self.name_of(first.institution_id), self.name_of(self.body),
                ),
            )

    def broker_gaps(self, people: WeightedGraph, backend: str) -> None:
        institutions_of = {p: self.index.institutions_during(p) for p in people.nodes}
        for dep in broker_dependencies(people, institutions_of, reference=self.body,
                                       backend=backend):
            watched_cut = sorted(dep.cut_off & self.watched, key=self._by_name)
            if not watched_cut:
                continue
            body_kept = self.body is not None and self.body in dep.kept
            kept_name = self.name_of(self.body) if body_kept else "le reste du territoire"
            self.add(
                "broker_dependency",
                "high" if body_kept else "medium",
                ([self.body] if body_kept else []) + watched_cut,
                [dep.broker],
                {
                    "cut_off_institutions": sorted(dep.cut_off),
                    "kept_institutions": len(dep.kept),
                },
                advice.broker_dependency(
                    self.names.get(dep.broker, f"#{dep.broker}"), kept_name,
                    [self.name_of(i) for i in watched_cut],
                ),
            )

    def _by_name(self, inst_id: int) -> tuple:
        return (normalise_title(self.name_of(inst_id)), inst_id)


def _top_carriers(carriers: dict[int, int], n: int) -> list[int]:
    """The ``n`` people who carried most of a side's interactions (then lowest id)."""
    return [p for p, _ in sorted(carriers.items(), key=lambda item: (-item[1], item[0]))[:n]]
