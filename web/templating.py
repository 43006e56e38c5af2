"""Jinja2 environment of the UI: autoescaped templates and French formatting filters."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates

WEB_DIR = Path(__file__).resolve().parent
PARIS = ZoneInfo("Europe/Paris")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
SEVERITIES = {"high": "élevée", "medium": "moyenne", "low": "faible"}
GAP_KINDS = {
    "missing_liaison": "Liaison manquante",
    "dormant_liaison": "Liaison en sommeil",
    "single_thread": "Liaison à un seul fil",
    "formal_only": "Liaison uniquement formelle",
    "unidentified_key_role": "Interlocuteur clé non identifié",
    "no_elected_bridge": "Pas d'élu passerelle",
    "isolated_actor": "Acteur isolé",
    "broker_dependency": "Dépendance à un intermédiaire",
    "weakening_liaison": "Liaison qui s'affaiblit",
}
INTERACTION_KINDS = {
    "meeting": "Réunion", "informal": "Moment informel", "call": "Appel", "email": "Courriel",
    "office_hours": "Permanence", "event": "Événement", "visit": "Visite", "other": "Autre",
}
INSTITUTION_KINDS = {
    "state_central": "État (administration centrale)", "state_service": "Service de l'État", "region": "Région",
    "departement": "Département", "epci": "EPCI", "petr": "PETR / pays", "pnr": "PNR", "syndicat": "Syndicat",
    "commune": "Commune", "other": "Autre",
}
ROLE_CATEGORIES = {"elected": "Élu·e", "executive": "Direction", "technical": "Technique", "other": "Autre"}
USER_ROLES = {"viewer": "Lecture", "editor": "Édition", "admin": "Administration"}


def date_fr(value: date | datetime | str | None, with_time: bool = False) -> str:
    """« 6 octobre 2026 » (or « 6 octobre 2026 à 12 h 30 »), in Paris time for instants."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        local = value.astimezone(PARIS) if value.tzinfo else value
        text = f"{_day(local.day)} {MONTHS[local.month - 1]} {local.year}"
        return f"{text} à {local.hour} h {local.minute:02d}" if with_time else text
    return f"{_day(value.day)} {MONTHS[value.month - 1]} {value.year}"


def _day(day: int) -> str:
    return "1er" if day == 1 else str(day)


def number_fr(value: float | int | None, digits: int = 0) -> str:
    """« 12 345 » or « 0,25 »: narrow no-break space for thousands, comma for decimals."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def percent_fr(value: float | None) -> str:
    return "—" if value is None else f"{number_fr(value * 100)}\u202f%"


templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.filters.update(
    date_fr=date_fr, number_fr=number_fr, percent_fr=percent_fr,
)
templates.env.globals.update(
    SEVERITIES=SEVERITIES, GAP_KINDS=GAP_KINDS, INTERACTION_KINDS=INTERACTION_KINDS,
    INSTITUTION_KINDS=INSTITUTION_KINDS, ROLE_CATEGORIES=ROLE_CATEGORIES, USER_ROLES=USER_ROLES,
)
