"""What the page routes share: French form checks, periods, pagination, links, "not found"."""

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import Request
from markupsafe import Markup, escape

from app.models import Workspace
from app.services.analysis import analysis_window
from web.templating import INSTITUTION_KINDS, PARIS, date_fr, number_fr, templates

PER_PAGE = 25
METRIC_LABELS = {
    "degree": "Interlocuteurs directs",
    "strength": "Intensité des échanges",
    "betweenness": "Intermédiarité",
    "closeness": "Proximité",
    "pagerank": "Influence (PageRank)",
    "constraint": "Contrainte (Burt)",
    "effective_size": "Taille effective du réseau",
    "community": "Communauté",
}
METRIC_HELP = {
    "degree": "nombre d'interlocuteurs avec qui au moins un échange a eu lieu",
    "strength": "somme des liens, un tête-à-tête comptant plus qu'une grande réunion",
    "betweenness": "part des plus courts chemins qui passent par ce nœud : un passeur",
    "closeness": "facilité à joindre tout le réseau",
    "pagerank": "importance des interlocuteurs eux-mêmes",
    "constraint": "faible : relie des groupes distincts ; forte : enfermé dans un seul groupe",
    "effective_size": "nombre d'interlocuteurs qui ne se connaissent pas entre eux",
    "community": "groupe de personnes ou de structures qui échangent surtout entre elles",
}


class PageNotFound(Exception):
    """A page about something that does not exist (or not in this workspace): French 404."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_day(text: str | None) -> date | None:
    """A day typed in a form (``2026-11-25``, or ``25/11/2026``); None when empty; ValueError when bad."""
    text = (text or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def parse_int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def day_start(day: date) -> datetime:
    """Midnight UTC, as the analysis windows are cut (whole UTC days, cacheable)."""
    return datetime.combine(day, time(0), tzinfo=UTC)


@dataclass
class Period:
    """The period of a page: as typed (``du``/``au``), and as a window [since, until)."""

    du: str
    au: str
    since: datetime | None
    until: datetime | None

    @property
    def first_day(self) -> date | None:
        return self.since.date() if self.since else None

    @property
    def last_day(self) -> date | None:
        return (self.until - timedelta(days=1)).date() if self.until else None


def read_period(workspace: Workspace, du: str | None, au: str | None, errors: dict[str, str], *,
                default_window: bool = True) -> Period:
    """Read a period from the form; French messages in ``errors`` under ``du`` and ``au``.

    With ``default_window``, empty fields mean the workspace's analysis window (shown filled in).
    """
    du, au = (du or "").strip(), (au or "").strip()
    first = last = None
    try:
        first = parse_day(du)
    except ValueError:
        errors["du"] = "Date de début invalide : utilisez le format jj/mm/aaaa."
    try:
        last = parse_day(au)
    except ValueError:
        errors["au"] = "Date de fin invalide : utilisez le format jj/mm/aaaa."
    if first and last and first > last:
        errors["au"] = "La date de fin doit suivre la date de début."
    for name, day in (("du", first), ("au", last)):
        if day is not None and not date(1990, 1, 1) <= day <= date(2100, 12, 31):
            errors[name] = "Choisissez une date entre 1990 et 2100."
    if "du" in errors or "au" in errors:
        return Period(du, au, None, None)
    du, au = (first.isoformat() if first else ""), (last.isoformat() if last else "")
    since = day_start(first) if first else None
    until = day_start(last + timedelta(days=1)) if last else None
    if default_window and (since is None or until is None):
        default_since, default_until = analysis_window(workspace)
        length = default_until - default_since
        if since is None and until is None:
            since, until = default_since, default_until
        elif until is None:
            until = max(default_until, since + timedelta(days=1))
        else:
            since = until - length
        du = du or since.date().isoformat()
        au = au or (until - timedelta(days=1)).date().isoformat()
    return Period(du, au, since, until)


@dataclass
class Pagination:
    page: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_item(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.per_page)


def page_number(text: str | None) -> int:
    number = parse_int(text)
    return max(1, min(number or 1, 100_000))


def url_with(request: Request, **changes: object) -> str:
    """The current page's URL with some query parameters changed (None removes one)."""
    items = [(key, value) for key, value in request.query_params.multi_items() if key not in changes]
    for key, value in changes.items():
        if value is None or value == "":
            continue
        if isinstance(value, list | tuple):
            items.extend((key, str(v)) for v in value)
        else:
            items.append((key, str(value)))
    query = urlencode(items)
    return request.url.path + (f"?{query}" if query else "")


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def iso_dates_fr(text: str | None) -> str:
    """Write the ISO dates inside a sentence in French (« le 2026-04-24 » → « le 24 avril 2026 »)."""
    if not text:
        return ""

    def french(match: re.Match[str]) -> str:
        try:
            return date_fr(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return _ISO_DAY.sub(french, text)


def metric_fr(name: str, value: object) -> str:
    """A node metric as the pages show it."""
    if value is None:
        return "—"
    if name in ("degree", "community"):
        return number_fr(value)  # type: ignore[arg-type]
    if name in ("strength", "effective_size"):
        return number_fr(value, 1)  # type: ignore[arg-type]
    return number_fr(value, 3)  # type: ignore[arg-type]


def window_days(window: dict[str, str]) -> tuple[date, date]:
    """First and last day of an analysis window ``{"since", "until"}`` (until excluded)."""
    since, until = datetime.fromisoformat(window["since"]), datetime.fromisoformat(window["until"])
    return since.date(), (until - timedelta(days=1)).date()


def paris_today() -> date:
    return datetime.now(PARIS).date()


def field_error(errors: dict[str, str], name: str) -> Markup:
    """The error paragraph under a field (empty when the field is fine)."""
    if name not in errors:
        return Markup("")
    return Markup('<p class="field-error" id="erreur-{0}">{1}</p>').format(name, escape(errors[name]))


def field_attributes(errors: dict[str, str], name: str, hint: str | None = None) -> Markup:
    """``aria-invalid`` and ``aria-describedby`` of a field (its error, then its hint)."""
    described = ([f"erreur-{name}"] if name in errors else []) + ([hint] if hint else [])
    parts = []
    if name in errors:
        parts.append('aria-invalid="true"')
    if described:
        parts.append(f'aria-describedby="{escape(" ".join(described))}"')
    return Markup(" ".join(parts))


templates.env.globals.update(
    url_with=url_with, field_error=field_error, field_attributes=field_attributes, METRIC_LABELS=METRIC_LABELS,
    METRIC_HELP=METRIC_HELP,
)
templates.env.filters.update(iso_dates_fr=iso_dates_fr, metric_fr=metric_fr,
                             kind_fr=lambda kind: INSTITUTION_KINDS.get(kind, kind))
