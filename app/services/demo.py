"""The demo workspace: the real PETR du Pays Lauragais with fictitious people.

Institutions are real (the PETR, its four member EPCI and their 167 communes from the
referential, the Région Occitanie, the Départements, the DDTM de l'Aude and the DDT de la
Haute-Garonne with their real SIREN, plus a préfecture and a sous-préfecture). People are
obviously fictitious (surnames such as "Factice" or "Maquette", emails under ``.invalid``).
Two years of interactions up to ``today`` are generated from a fixed seed, with these liaison
problems planted on purpose (see :data:`PLANTED`):

- PETR ↔ CC Piège Lauragais Malepère: nobody has met for over six months (dormant), and the
  EPCI has no identified DGS nor president in the data (unidentified key role);
- PETR ↔ CC Aux sources du Canal du Midi: every exchange goes through the EPCI's DGS alone
  (single thread), and the EPCI's president never takes part (isolated actor);
- PETR ↔ CC des Terres du Lauragais: many exchanges, none informal (formal only);
- PETR ↔ CC Castelnaudary Lauragais Audois is the healthy control pair: frequent, recent,
  formal and informal, several people on each side, an elected bridge.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.models import (
    Affiliation,
    ExpectedLiaison,
    Institution,
    InstitutionMembership,
    Interaction,
    Participation,
    Person,
    Topic,
    Workspace,
)
from app.models.enums import InstitutionKind, RoleCategory
from app.services import audit
from app.services.interactions import content_hash
from app.services.territory import create_territory
from app.services.workspaces import bump_data_version, find_workspace

DEMO_SLUG = "demo"
DEMO_SEED = 20260322  # the 2026 municipal elections, second round
PETR_SIREN = "200050938"
EPCI_CONTROL = "200035855"  # CC Castelnaudary Lauragais Audois
EPCI_FORMAL_ONLY = "200071298"  # CC des Terres du Lauragais
EPCI_SINGLE_THREAD = "243100567"  # CC Aux sources du Canal du Midi
EPCI_DORMANT = "200035707"  # CC Piège Lauragais Malepère
DDTM_AUDE = "130009004"
DDT_HAUTE_GARONNE = "130010747"
DORMANT_SINCE_DAYS = 200

# What the analysis must find (kind → SIREN of the member EPCI), and the pair that must stay clean.
PLANTED: dict[str, list[str]] = {
    "dormant_liaison": [EPCI_DORMANT],
    "unidentified_key_role": [EPCI_DORMANT],
    "single_thread": [EPCI_SINGLE_THREAD],
    "formal_only": [EPCI_FORMAL_ONLY],
    # A consequence of the single thread: the EPCI's president never takes part.
    "isolated_actor": [EPCI_SINGLE_THREAD],
}
CONTROL_EPCI = EPCI_CONTROL

PARIS = ZoneInfo("Europe/Paris")
FIRST_NAMES = [
    "Camille", "Dominique", "Claude", "Alix", "Sacha", "Maxime", "Morgane", "Yannick", "Hélène", "Jules",
    "Louise", "Thomas", "Inès", "Bastien", "Chloé", "Marius", "Agathe", "Nadia", "Paul", "Rose",
    "Victor", "Léa", "Hugo", "Manon", "Théo", "Sarah", "Lucas", "Emma", "Noah", "Jade",
    "Arthur", "Zoé", "Gabriel", "Lina", "Raphaël", "Anna", "Louis", "Julia", "Adam", "Clara",
]
FICTITIOUS_SURNAMES = [
    "Factice", "Maquette", "Exemple", "Fictif", "Spécimen", "Brouillon", "Esquisse", "Ébauche", "Prototype",
    "Témoin", "Modèle", "Essai", "Postiche", "Pastiche", "Chimère", "Fantaisie", "Simulacre", "Inventé",
    "Imaginaire", "Démo", "Gabarit", "Patron", "Canevas", "Croquis",
]
TOPICS = [
    "mobilité", "habitat", "santé", "transition écologique", "tourisme", "économie", "alimentation",
    "CRTE", "LEADER", "SCoT", "eau", "numérique",
]


@dataclass
class DemoResult:
    workspace: Workspace
    people: int
    interactions: int
    planted: dict[str, list[str]] = field(default_factory=lambda: dict(PLANTED))


class _Names:
    """Unique fictitious names drawn from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        pool = [f"{first} {last}" for first in FIRST_NAMES for last in FICTITIOUS_SURNAMES]
        rng.shuffle(pool)
        self._pool = iter(pool)

    def next(self) -> str:
        return next(self._pool)


def _slug_email(name: str, domain: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return f"{ascii_name.replace(' ', '.')}@{domain}.demo.invalid"


class _DemoBuilder:
    def __init__(self, session: Session, workspace: Workspace, today: date, rng: random.Random) -> None:
        self.session = session
        self.workspace = workspace
        self.today = today
        self.rng = rng
        self.names = _Names(rng)
        self.people: list[Person] = []
        self.interaction_count = 0
        self.topics: dict[str, Topic] = {}

    # -- people -----------------------------------------------------------------------------
    def person(
        self, institution: Institution, category: RoleCategory, title: str, *, domain: str | None = None,
        start: date | None = None, extra: list[tuple[Institution, RoleCategory, str]] = (),
    ) -> Person:
        name = self.names.next()
        person = Person(
            workspace_id=self.workspace.id,
            full_name=name,
            email=_slug_email(name, domain) if domain else None,
            is_public_figure=category == RoleCategory.ELECTED,
        )
        person.affiliations.append(
            Affiliation(institution_id=institution.id, role_category=category.value, title=title,
                        start=start, source="demo")
        )
        for other, other_category, other_title in extra:
            person.affiliations.append(
                Affiliation(institution_id=other.id, role_category=other_category.value, title=other_title,
                            start=start, source="demo")
            )
        self.session.add(person)
        self.people.append(person)
        return person

    # -- interactions ------------------------------------------------------------------------
    def at(self, day: date, hour: int | None = None) -> datetime:
        hour = hour if hour is not None else self.rng.choice([9, 10, 11, 12, 14, 15, 16, 17])
        return datetime.combine(day, time(hour, self.rng.choice([0, 15, 30, 45])), tzinfo=PARIS)

    def topic(self, name: str) -> Topic:
        if name not in self.topics:
            topic = Topic(workspace_id=self.workspace.id, name=name)
            self.session.add(topic)
            self.topics[name] = topic
        return self.topics[name]

    def interaction(
        self, *, day: date, kind: str, formal: bool, title: str, people: list[Person],
        topics: list[str] = (), location: str | None = None, summary: str | None = None,
    ) -> None:
        unique_people = list(dict.fromkeys(people))
        if len(unique_people) < 2:
            return
        self.interaction_count += 1
        occurred_at = self.at(day, 12 if kind == "informal" and "Déjeuner" in title else None)
        external_id = f"demo-{self.interaction_count:05d}"
        interaction = Interaction(
            workspace_id=self.workspace.id,
            occurred_at=occurred_at,
            kind=kind,
            formal=formal,
            title=title,
            summary=summary,
            location=location,
            source="demo",
            external_id=external_id,
            created_by="demo",
            content_hash="",
        )
        interaction.topics = [self.topic(t) for t in dict.fromkeys(topics)]
        interaction.participations = [
            Participation(person=p, role="organiser" if i == 0 else "attendee")
            for i, p in enumerate(unique_people)
        ]
        interaction.content_hash = content_hash(
            occurred_at=occurred_at, kind=kind, formal=formal, title=title, summary=summary, location=location,
            topics=topics, participants=[{"person_id": p.id} for p in unique_people],
        )
        self.session.add(interaction)

    def days(self, start: date, end: date, per_month: float) -> list[date]:
        """Working days between start and end, ``per_month`` a month, evenly spread with jitter.

        Steady rhythms keep healthy liaisons healthy: only the planted problems should show.
        """
        interval = 30.4 / per_month
        count = max(0, int((end - start).days / interval))
        chosen = []
        for n in range(count):
            offset = (n + 0.5) * interval + self.rng.uniform(-interval / 3, interval / 3)
            day = min(start + timedelta(days=round(offset)), end)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            chosen.append(day)
        return sorted(chosen)


def create_demo(
    session: Session, *, today: date | None = None, reset: bool = False, seed: int = DEMO_SEED
) -> DemoResult:
    """Create the ``demo`` workspace. Needs the national referential to be loaded."""
    today = today or date.today()
    existing = find_workspace(session, slug=DEMO_SLUG)
    if existing is not None:
        if not reset:
            raise Conflict("workspace 'demo' already exists (use --reset to recreate it)")
        session.execute(delete(Workspace).where(Workspace.id == existing.id))
        session.flush()
        session.expunge_all()
    national = Institution.workspace_id.is_(None)
    if session.scalar(select(Institution.id).where(national, Institution.siren == EPCI_CONTROL)) is None:
        raise NotFound("the national referential is not loaded (run `maillage referential load`)")

    # The PETR is the demo's own institution: a workspace tracking the real PETR has its own too.
    result = create_territory(
        session, workspace_slug=DEMO_SLUG, name="PETR du Pays Lauragais", kind="petr", siren=PETR_SIREN,
        epci_sirens=[EPCI_CONTROL, EPCI_FORMAL_ONLY, EPCI_SINGLE_THREAD, EPCI_DORMANT], actor="demo",
    )
    workspace = result.workspace
    workspace.name = "Démo — PETR du Pays Lauragais"
    petr = result.body
    epcis = {epci.siren: epci for epci in result.members}
    rng = random.Random(seed)
    builder = _DemoBuilder(session, workspace, today, rng)

    def referential(kind: InstitutionKind, code: str) -> Institution:
        return session.scalars(
            select(Institution).where(national, Institution.kind == kind.value, Institution.insee_code == code)
        ).one()

    region = referential(InstitutionKind.REGION, "76")
    aude = referential(InstitutionKind.DEPARTEMENT, "11")
    haute_garonne = referential(InstitutionKind.DEPARTEMENT, "31")
    ddtm_aude = session.scalars(select(Institution).where(national, Institution.siren == DDTM_AUDE)).one()
    ddt_31 = session.scalars(select(Institution).where(national, Institution.siren == DDT_HAUTE_GARONNE)).one()
    prefecture = Institution(workspace_id=workspace.id, name="Préfecture de l'Aude", kind="state_service",
                             subtype="prefecture", departement_code="11", region_code="76")
    sous_prefecture = Institution(workspace_id=workspace.id, name="Sous-préfecture de Castres",
                                  kind="state_service", subtype="sous_prefecture", departement_code="81",
                                  region_code="76")
    session.add_all([prefecture, sous_prefecture])
    session.flush()
    for other, note in [
        (region, "Contrat territorial Occitanie"),
        (aude, "Contrat départemental"),
        (haute_garonne, "Contrat départemental"),
        (prefecture, "CRTE et dotations de l'État"),
        (ddtm_aude, "Urbanisme, SCoT, habitat"),
    ]:
        session.add(ExpectedLiaison(workspace_id=workspace.id, institution_a_id=petr.id,
                                    institution_b_id=other.id, note=note))

    # -- people ---------------------------------------------------------------------------------
    communes_by_epci: dict[str, list[Institution]] = {}
    for siren, epci in epcis.items():
        communes_by_epci[siren] = list(
            session.scalars(
                select(Institution)
                .join(InstitutionMembership, InstitutionMembership.member_id == Institution.id)
                .where(InstitutionMembership.group_id == epci.id)
                .order_by(Institution.population.desc().nulls_last(), Institution.insee_code)
            )
        )
    # Re-elected in March 2026: their mandates run from the 2020 installation onwards.
    mandate_start = date(2020, 7, 4)
    maires: dict[str, list[Person]] = {}
    for siren, communes in communes_by_epci.items():
        maires[siren] = [
            builder.person(commune, RoleCategory.ELECTED, "Maire", start=mandate_start) for commune in communes
        ]

    petr_domain = "petr-lauragais"
    # Each EPCI's president is also the maire of its main commune and a delegate to the PETR.
    presidents: dict[str, Person] = {}
    for siren in (EPCI_CONTROL, EPCI_FORMAL_ONLY, EPCI_SINGLE_THREAD):
        president = maires[siren][0]
        president.affiliations.append(Affiliation(institution_id=epcis[siren].id, role_category="elected",
                                                  title="Président", start=mandate_start, source="demo"))
        president.affiliations.append(Affiliation(institution_id=petr.id, role_category="elected",
                                                  title="Délégué au comité syndical", start=mandate_start,
                                                  source="demo"))
        presidents[siren] = president
    # The dormant EPCI: its president and DGS are not in the data; a vice-president sits in the PETR.
    dormant_vp = maires[EPCI_DORMANT][1]
    dormant_vp.affiliations.append(Affiliation(institution_id=epcis[EPCI_DORMANT].id, role_category="elected",
                                               title="1er vice-président", start=mandate_start, source="demo"))
    dormant_vp.affiliations.append(Affiliation(institution_id=petr.id, role_category="elected",
                                               title="Délégué au comité syndical", start=mandate_start,
                                               source="demo"))
    petr_president = presidents[EPCI_CONTROL]
    petr_president.affiliations.append(Affiliation(institution_id=petr.id, role_category="elected",
                                                   title="Président", start=mandate_start, source="demo"))

    def staff(institution: Institution, category: RoleCategory, title: str, domain: str) -> Person:
        return builder.person(institution, category, title, domain=domain, start=date(2021, 1, 1))

    petr_director = staff(petr, RoleCategory.EXECUTIVE, "Directrice du PETR", petr_domain)
    petr_staff = [
        staff(petr, RoleCategory.TECHNICAL, "Chargée de mission mobilité", petr_domain),
        staff(petr, RoleCategory.TECHNICAL, "Chargé de mission habitat", petr_domain),
        staff(petr, RoleCategory.TECHNICAL, "Chargée de mission transition écologique", petr_domain),
        staff(petr, RoleCategory.TECHNICAL, "Animateur LEADER", petr_domain),
    ]
    dgs = {
        EPCI_CONTROL: staff(epcis[EPCI_CONTROL], RoleCategory.EXECUTIVE, "Directrice générale des services", "cclaudois"),
        EPCI_FORMAL_ONLY: staff(epcis[EPCI_FORMAL_ONLY], RoleCategory.EXECUTIVE, "DGS", "terres-lauragais"),
        EPCI_SINGLE_THREAD: staff(epcis[EPCI_SINGLE_THREAD], RoleCategory.EXECUTIVE,
                                  "Directeur général des services", "sources-canal"),
    }
    epci_staff = {
        EPCI_CONTROL: [staff(epcis[EPCI_CONTROL], RoleCategory.TECHNICAL, "Chargé de mission développement économique", "cclaudois"),
                       staff(epcis[EPCI_CONTROL], RoleCategory.TECHNICAL, "Responsable urbanisme", "cclaudois")],
        EPCI_FORMAL_ONLY: [staff(epcis[EPCI_FORMAL_ONLY], RoleCategory.TECHNICAL, "Chargée de mission tourisme", "terres-lauragais"),
                           staff(epcis[EPCI_FORMAL_ONLY], RoleCategory.TECHNICAL, "Responsable environnement", "terres-lauragais")],
        EPCI_SINGLE_THREAD: [staff(epcis[EPCI_SINGLE_THREAD], RoleCategory.TECHNICAL, "Chargé de mission mobilité", "sources-canal")],
        EPCI_DORMANT: [staff(epcis[EPCI_DORMANT], RoleCategory.TECHNICAL, "Chargée de mission habitat", "plm")],
    }
    prefet = staff(prefecture, RoleCategory.EXECUTIVE, "Préfète de l'Aude", "aude.gouv")
    prefecture_agent = staff(prefecture, RoleCategory.TECHNICAL, "Chargé de mission CRTE", "aude.gouv")
    sous_prefet = staff(sous_prefecture, RoleCategory.EXECUTIVE, "Sous-préfet de Castres", "tarn.gouv")
    ddtm_agent = staff(ddtm_aude, RoleCategory.TECHNICAL, "Chef du service aménagement", "aude.gouv")
    ddt31_agent = staff(ddt_31, RoleCategory.TECHNICAL, "Référente territoriale Lauragais", "haute-garonne.gouv")
    region_elected = builder.person(region, RoleCategory.ELECTED, "Conseillère régionale déléguée à la ruralité",
                                    start=date(2021, 7, 2))
    region_agent = staff(region, RoleCategory.TECHNICAL, "Chargé de mission territorial", "laregion")
    aude_elected = builder.person(aude, RoleCategory.ELECTED, "Vice-président du conseil départemental",
                                  start=date(2021, 7, 1))
    aude_agent = staff(aude, RoleCategory.TECHNICAL, "Chargée de développement territorial", "aude.fr")
    hg_agent = staff(haute_garonne, RoleCategory.TECHNICAL, "Chargé de mission contractualisation", "cd31")
    # Who heads each expected partner's services, so the PETR knows whom to call when it matters.
    partner_heads = [
        staff(ddtm_aude, RoleCategory.EXECUTIVE, "Directeur départemental des territoires et de la mer", "aude.gouv"),
        staff(region, RoleCategory.EXECUTIVE, "Directrice de l'aménagement du territoire", "laregion"),
        staff(aude, RoleCategory.EXECUTIVE, "Directeur général des services", "aude.fr"),
        staff(haute_garonne, RoleCategory.EXECUTIVE, "Directrice du développement territorial", "cd31"),
    ]
    elected_heads = [
        builder.person(region, RoleCategory.ELECTED, "Présidente de la Région", start=date(2021, 7, 2)),
        builder.person(aude, RoleCategory.ELECTED, "Président du conseil départemental", start=date(2021, 7, 1)),
        builder.person(haute_garonne, RoleCategory.ELECTED, "Président du conseil départemental",
                       start=date(2021, 7, 1)),
    ]
    session.flush()

    # -- interactions ---------------------------------------------------------------------------
    start = today - timedelta(days=730)
    end = today - timedelta(days=1)
    pick = rng.choice
    sample = rng.sample
    team = [petr_director, *petr_staff]

    # Healthy control: frequent, formal and informal, several people on each side.
    control_side = [presidents[EPCI_CONTROL], dgs[EPCI_CONTROL], *epci_staff[EPCI_CONTROL]]
    for day in builder.days(start, end, 3.0):
        roll = rng.random()
        if roll < 0.35:
            builder.interaction(day=day, kind="informal", formal=False, title="Café avec la CC Castelnaudary",
                                people=[pick(team), pick(control_side)], topics=[pick(TOPICS)])
        elif roll < 0.5:
            builder.interaction(day=day, kind="informal", formal=False, title="Déjeuner de travail",
                                people=[petr_director, dgs[EPCI_CONTROL], pick(control_side)], topics=[pick(TOPICS)])
        elif roll < 0.7:
            builder.interaction(day=day, kind="call", formal=False, title="Point téléphonique",
                                people=[pick(team), pick(control_side)], topics=[pick(TOPICS)])
        else:
            builder.interaction(day=day, kind="meeting", formal=True, title="Réunion de projet",
                                people=[*sample(team, 2), *sample(control_side, 2)], topics=sample(TOPICS, 2),
                                location="Castelnaudary")

    # Formal only: regular, recent, several people, never informal.
    formal_side = [presidents[EPCI_FORMAL_ONLY], dgs[EPCI_FORMAL_ONLY], *epci_staff[EPCI_FORMAL_ONLY]]
    for day in builder.days(start, end, 1.6):
        kind = pick(["meeting", "meeting", "event", "visit"])
        builder.interaction(day=day, kind=kind, formal=True, title="Comité technique Terres du Lauragais",
                            people=[*sample(team, 2), *sample(formal_side, 2)], topics=[pick(TOPICS)],
                            location="Villefranche-de-Lauragais")

    # Single thread: everything with this EPCI goes through its DGS.
    for day in builder.days(start, end, 1.6):
        formal = rng.random() < 0.5
        builder.interaction(day=day, kind="meeting" if formal else pick(["informal", "call"]), formal=formal,
                            title="Échange avec la CC Aux sources du Canal du Midi",
                            people=[pick(team), dgs[EPCI_SINGLE_THREAD]], topics=[pick(TOPICS)])

    # Dormant: nothing for the last DORMANT_SINCE_DAYS days.
    dormant_end = today - timedelta(days=DORMANT_SINCE_DAYS)
    dormant_side = [dormant_vp, *epci_staff[EPCI_DORMANT]]
    for n, day in enumerate(builder.days(start, dormant_end, 1.2)):
        formal = n % 3 != 0
        builder.interaction(day=day, kind="meeting" if formal else "informal", formal=formal,
                            title="Rencontre CC Piège Lauragais Malepère",
                            people=[pick(team), dormant_side[n % 2]], topics=[pick(TOPICS)], location="Bram")

    # The PETR's comité syndical, every two months: delegates attend (the single-thread EPCI sends its DGS).
    for day in builder.days(start, end, 0.5):
        attendees = [petr_president, petr_director, *sample(petr_staff, 2), presidents[EPCI_FORMAL_ONLY],
                     dgs[EPCI_SINGLE_THREAD]]
        if day < dormant_end:
            attendees.append(dormant_vp)
        builder.interaction(day=day, kind="meeting", formal=True, title="Comité syndical du PETR",
                            people=attendees, topics=["CRTE", pick(TOPICS)], location="Villefranche-de-Lauragais")

    # The EPCIs' own assemblies are not logged: the PETR records the exchanges it takes part in.
    # Élus' office hours at the PETR: maires of the healthy EPCIs drop in (informal).
    office_maires = maires[EPCI_CONTROL][1:] + maires[EPCI_FORMAL_ONLY][1:]
    for day in builder.days(start, end, 1.5):
        builder.interaction(day=day, kind="office_hours", formal=False, title="Permanence des élus au PETR",
                            people=[pick(petr_staff), pick(office_maires)], topics=[pick(TOPICS)])

    # The State, the Région and the Départements.
    state_people = [prefet, prefecture_agent, ddtm_agent]
    for day in builder.days(start, end, 0.4):
        builder.interaction(day=day, kind="meeting", formal=True, title="Comité de pilotage du CRTE",
                            people=[petr_president, petr_director, *state_people, ddt31_agent, sous_prefet,
                                    region_agent, aude_agent, hg_agent, presidents[EPCI_CONTROL], *partner_heads],
                            topics=["CRTE", "transition écologique"], location="Carcassonne")
    for person, title in [
        (prefecture_agent, "Point dotations avec la préfecture"),
        (ddtm_agent, "Café urbanisme avec la DDTM"),
        (region_agent, "Échange avec la Région"),
        (aude_agent, "Échange avec le Département de l'Aude"),
        (hg_agent, "Échange avec le Département de la Haute-Garonne"),
        (ddt31_agent, "Point avec la DDT de la Haute-Garonne"),
    ]:
        for day in builder.days(start, end, 0.7):
            informal = rng.random() < 0.5
            builder.interaction(day=day, kind="informal" if informal else "meeting", formal=not informal,
                                title=title, people=[pick(team), person], topics=[pick(TOPICS)])
    for day in builder.days(start, end, 0.3):
        builder.interaction(day=day, kind="event", formal=True, title="Assemblée des territoires",
                            people=[petr_president, region_elected, aude_elected, region_agent, petr_director,
                                    *elected_heads],
                            topics=["LEADER"])

    # The PETR team's own weekly meeting.
    for day in builder.days(start, end, 2.0):
        builder.interaction(day=day, kind="meeting", formal=True, title="Réunion d'équipe du PETR",
                            people=team, topics=[pick(TOPICS)])

    session.flush()
    bump_data_version(session, workspace_id=workspace.id)
    audit.record(session, workspace_id=workspace.id, actor="demo", action="create", object_type="demo",
                 details={"people": len(builder.people), "interactions": builder.interaction_count, "seed": seed})
    return DemoResult(workspace=workspace, people=len(builder.people), interactions=builder.interaction_count)
