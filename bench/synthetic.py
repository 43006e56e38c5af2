"""A synthetic territory shaped like a real one, for benchmarks.

Institutions in a hierarchy (région, départements, State services, one PETR, EPCIs and their
communes); people affiliated to one or two bodies (an élu often sits in the commune and the
EPCI, or the EPCI and the PETR); meetings of 2–8 participants, with heavy-tailed but capped
activity, mostly among neighbours in the hierarchy, some of them recurring groups. Three
problems are planted for the gap report (see ``_Problems``). Same arguments, same territory.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from graph.rows import (
    AffiliationRow,
    InstitutionRow,
    InteractionRow,
    MembershipRow,
    PersonRow,
    Territory,
)

UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
ACTIVITY_CAP = 60.0  # × the least active; the median is about 2
REPEAT = 0.3  # share of interactions that repeat one of the organiser's earlier groups
_SIZES = (2, 3, 4, 5, 6, 7, 8)
_SIZE_WEIGHTS = (35, 20, 15, 10, 8, 6, 6)
_KINDS = ("meeting", "informal", "call", "email", "office_hours", "event", "visit")
_KIND_WEIGHTS = (40, 25, 15, 8, 4, 5, 3)


def synthetic_territory(
    n_people: int, n_interactions: int, *, seed: int = 7, until: datetime = UNTIL, days: int = 365
) -> tuple[Territory, list[InteractionRow]]:
    """A territory of ``n_people`` and ``n_interactions`` spread over ``days`` before ``until``."""
    rng = random.Random(seed)
    institutions: list[InstitutionRow] = []
    memberships: list[MembershipRow] = []

    def add(name: str, kind: str, subtype: str | None = None) -> int:
        inst_id = len(institutions) + 1
        institutions.append(InstitutionRow(inst_id, name, kind, subtype, f"{200000000 + inst_id}"))
        return inst_id

    region = add("Région Synthèse", "region")
    departements = [add(f"Département {i}", "departement") for i in range(2)]
    for dep in departements:
        memberships.append(MembershipRow(dep, region))
    state = [
        add("Préfecture", "state_service", "prefecture"),
        add("Sous-préfecture", "state_service", "sous_prefecture"),
        add("DDT", "state_service", "ddt"),
        add("DREAL", "state_service", "dreal"),
    ]
    petr = add("PETR Synthèse", "petr")
    n_epci = max(4, n_people // 400)
    epcis = [add(f"CC {i}", "epci", "CC") for i in range(n_epci)]
    communes_of: dict[int, list[int]] = {}
    for epci in epcis:
        memberships.append(MembershipRow(epci, petr))
        communes_of[epci] = [add(f"Commune {epci}-{j}", "commune") for j in range(20)]
        for commune in communes_of[epci]:
            memberships.append(MembershipRow(commune, epci))

    # Neighbours in the hierarchy: where most of a body's exchanges go.
    neighbours: dict[int, list[int]] = {
        region: departements + [petr],
        petr: epcis + state + [region],
    }
    for dep in departements:
        neighbours[dep] = [region, petr] + epcis[:3]
    for s in state:
        neighbours[s] = [petr] + state + epcis
    for epci in epcis:
        neighbours[epci] = [petr] + communes_of[epci] + state[:2]
        for commune in communes_of[epci]:
            neighbours[commune] = [epci] + communes_of[epci][:5]

    # Staff sizes: large bodies get more people; communes share what is left.
    seats = {region: 0.01, petr: 0.005, **{d: 0.01 for d in departements}}
    seats.update({s: 0.006 for s in state})
    seats.update({e: 0.6 / n_epci for e in epcis})
    commune_ids = [c for e in epcis for c in communes_of[e]]
    rest = 1.0 - sum(seats.values())
    seats.update({c: rest / len(commune_ids) for c in commune_ids})
    people: list[PersonRow] = []
    affiliations: list[AffiliationRow] = []
    members_of: dict[int, list[int]] = {i.id: [] for i in institutions}
    person_id = 0
    for position, inst in enumerate(institutions):
        staff = max(2, round(seats[inst.id] * n_people))
        if position == len(institutions) - 1:
            staff = n_people - len(people)
        for j in range(staff):
            if len(people) >= n_people:
                break
            person_id += 1
            people.append(PersonRow(person_id, f"Personne {person_id}"))
            title, category = _title(inst.kind, j)
            affiliations.append(
                AffiliationRow(person_id, inst.id, category, title, date(2020, 3, 15))
            )
            members_of[inst.id].append(person_id)
            second = _second_body(inst.id, inst.kind, category, petr, communes_of, rng)
            if second is not None:
                affiliations.append(
                    AffiliationRow(person_id, second, "elected", "Délégué", date(2020, 7, 1))
                )
                members_of[second].append(person_id)

    # Heavy-tailed, but capped: the busiest people (a PETR director, a DGS) take part in
    # about a thousand interactions a year, not in a third of all of them.
    activity = {p.id: min(rng.paretovariate(1.1), ACTIVITY_CAP) for p in people}
    pools = {
        inst: (ids, list(accumulate(activity[p] for p in ids)))
        for inst, ids in members_of.items()
        if ids
    }
    # Where a person organises from: their last seat (an élu's EPCI rather than commune).
    home = {a.person_id: a.institution_id for a in affiliations}
    all_ids = [p.id for p in people]
    all_cum = list(accumulate(activity[p] for p in all_ids))
    start = until - timedelta(days=days)
    problems = _Problems(affiliations, petr, epcis, start + timedelta(days=90))
    interactions: list[InteractionRow] = []
    # Meetings recur: a weekly team meeting, a monthly point with the same DGS.
    held: dict[int, list[tuple[int, ...]]] = {}
    k = 0
    while len(interactions) < n_interactions:
        missing = n_interactions - len(interactions)
        for organiser in rng.choices(all_ids, cum_weights=all_cum, k=missing):
            k += 1
            kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0]
            moment = start + timedelta(seconds=rng.randrange(days * 86400))
            before = held.get(organiser)
            if before and rng.random() < REPEAT:
                participants = rng.choice(before)
            else:
                participants = _draw(organiser, home, neighbours, pools, institutions, rng)
                held.setdefault(organiser, []).append(participants)
            row = InteractionRow(k, moment, kind, kind != "informal", participants)
            if problems.keep(row):
                interactions.append(row)

    territory = Territory(
        body_id=petr,
        institutions=tuple(institutions),
        memberships=tuple(memberships),
        people=tuple(people),
        affiliations=tuple(problems.affiliations),
        expected_pairs=((petr, state[1]), (petr, region), (petr, departements[0])),
    )
    return territory, interactions


def _draw(organiser, home, neighbours, pools, institutions, rng) -> tuple[int, ...]:
    """Participants of a new meeting: mostly the organiser's body and its neighbours."""
    size = rng.choices(_SIZES, _SIZE_WEIGHTS)[0]
    own = home[organiser]
    chosen = {organiser}
    for _ in range(4 * size):
        if len(chosen) >= size:
            break
        draw = rng.random()
        if draw < 0.55:
            inst = own
        elif draw < 0.97:
            inst = rng.choice(neighbours.get(own) or [own])
        else:
            inst = rng.choice(institutions).id
        if inst not in pools:
            continue
        ids, cum = pools[inst]
        chosen.add(rng.choices(ids, cum_weights=cum)[0])
    return tuple(sorted(chosen))


class _Problems:
    """Three problems a PETR director would want reported: the first EPCI never meets the
    PETR (missing liaison), the second stops after the first quarter (dormant), and the
    third's DGS is not in the data (unidentified key role)."""

    def __init__(self, affiliations, petr, epcis, quiet_after) -> None:
        self.petr, self.never, self.dormant, no_dgs = petr, epcis[0], epcis[1], epcis[2]
        self.quiet_after = quiet_after
        self.bodies: dict[int, set[int]] = {}
        for a in affiliations:
            self.bodies.setdefault(a.person_id, set()).add(a.institution_id)
        self.affiliations = [
            a for a in affiliations if not (a.institution_id == no_dgs and a.title == "DGS")
        ]

    def keep(self, row: InteractionRow) -> bool:
        if self._links(row, self.never):
            return False
        return not (row.occurred_at >= self.quiet_after and self._links(row, self.dormant))

    def _links(self, row: InteractionRow, epci: int) -> bool:
        present = [self.bodies.get(p, ()) for p in row.person_ids]
        return any(self.petr in b for b in present) and any(epci in b for b in present)


def _title(kind: str, rank: int) -> tuple[str, str]:
    """Title and role category of the rank-th person of an institution."""
    if rank == 0:
        return ("Maire", "elected") if kind == "commune" else ("Président", "elected")
    if rank == 1 and kind != "commune":
        return ("DGS", "executive") if kind in ("epci", "region", "departement") else (
            "Directrice",
            "executive",
        )
    if rank % 3 == 0:
        return ("Chargé de mission", "technical")
    return ("Conseiller", "elected")


def _second_body(
    inst_id: int,
    kind: str,
    category: str,
    petr: int,
    communes_of: dict[int, list[int]],
    rng: random.Random,
) -> int | None:
    """An élu of a commune often sits in its EPCI; one of an EPCI, in the PETR."""
    if category != "elected" or rng.random() > 0.3:
        return None
    if kind == "epci":
        return petr
    if kind == "commune":
        for epci, communes in communes_of.items():
            if inst_id in communes:
                return epci
    return None
