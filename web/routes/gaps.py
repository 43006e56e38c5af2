"""Écarts de liaison: the gap report, filtered and sorted on the server, one page per gap, CSV export."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.services.analysis import full_analysis
from app.services.institutions import fold_text, institution_names
from graph.export import gaps_csv
from web.auth import CurrentUser
from web.routes.common import PageNotFound, Period, read_period
from web.templating import (
    GAP_KINDS,
    SEVERITIES,
    date_fr,
    number_fr,
    percent_fr,
    templates,
)

router = APIRouter(include_in_schema=False)

KIND_RANK = {kind: rank for rank, kind in enumerate(GAP_KINDS)}
SORTS = {
    "gravite": "Gravité",
    "type": "Type d'écart",
    "structures": "Structures",
    "dernier_echange": "Dernier échange",
}
ORDER_TEXTS = {  # (ascending, descending)
    "gravite": ("la moins grave d'abord", "la plus grave d'abord"),
    "type": ("de A à Z", "de Z à A"),
    "structures": ("de A à Z", "de Z à A"),
    "dernier_echange": ("le plus récent d'abord", "le plus ancien d'abord"),
}
KEY_ROLES = {"executive_head": "direction générale (DGS ou direction)",
             "elected_head": "présidence (ou mairie)"}
EXPECTED = {"membership": "membre de la structure porteuse", "configured": "liaison attendue configurée"}
BOM = "\ufeff"


def gap_key(gap: dict[str, Any]) -> str:
    """A stable name for a gap in URLs: its kind, its institutions and its people."""
    institutions = "-".join(str(i["id"]) for i in gap.get("institutions") or ())
    people = "-".join(str(p["id"]) for p in gap.get("people") or ())
    return f"{gap['kind']}~{institutions or '0'}~{people or '0'}"


def with_keys(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**gap, "key": gap_key(gap)} for gap in gaps]


def concerning(gaps: list[dict[str, Any]], *, person_id: int | None = None,
               institution_ids: set[int] | None = None) -> list[dict[str, Any]]:
    """The gaps naming this person, or one of these institutions."""
    found = []
    for gap in with_keys(gaps):
        people = {p["id"] for p in gap.get("people") or ()}
        institutions = {i["id"] for i in gap.get("institutions") or ()}
        if (person_id is not None and person_id in people) or (institution_ids and institutions & institution_ids):
            found.append(gap)
    return found


SEVERITY_LEVEL = {"high": 3, "medium": 2, "low": 1}
DESCENDING_FIRST = ("gravite", "dernier_echange")


def _primary(sort: str):
    """The key of the chosen column; "descending" shows the most severe, oldest, Z first."""
    if sort == "type":
        return lambda gap: fold_text(GAP_KINDS.get(gap["kind"], gap["kind"]))
    if sort == "structures":
        return _first_name
    if sort == "dernier_echange":
        def by_days(gap):
            evidence = gap.get("evidence") or {}
            if "last_contact" not in evidence:
                return (0, 0)  # not about a liaison: no date to compare
            days = evidence.get("days_since_last_contact")
            return (1, float("inf") if days is None else days)  # never in contact: the oldest

        return by_days
    return lambda gap: SEVERITY_LEVEL.get(gap["severity"], 0)


def _secondary(gap: dict[str, Any]) -> tuple:
    return (-SEVERITY_LEVEL.get(gap["severity"], 0), KIND_RANK.get(gap["kind"], 99), _first_name(gap))


def _first_name(gap: dict[str, Any]) -> str:
    return " ".join(fold_text(i["name"]) for i in gap.get("institutions") or ())


def filter_and_sort(gaps: list[dict[str, Any]], *, severity: str, kind: str, q: str, sort: str,
                    descending: bool) -> list[dict[str, Any]]:
    wanted = fold_text(q.strip()) if q.strip() else None
    kept = []
    for gap in with_keys(gaps):
        if severity and gap["severity"] != severity:
            continue
        if kind and gap["kind"] != kind:
            continue
        if wanted:
            names = [i["name"] for i in gap.get("institutions") or ()] + [p["name"] for p in gap.get("people") or ()]
            if not any(wanted in fold_text(name) for name in names):
                continue
        kept.append(gap)
    kept.sort(key=_secondary)
    kept.sort(key=_primary(sort), reverse=descending)  # stable: ties keep the secondary order
    return kept


def evidence_lines(session: Session, gap: dict[str, Any]) -> list[tuple[str, str]]:
    """The gap's evidence as French (label, value) lines."""
    evidence = gap.get("evidence") or {}
    people = {p["id"]: p["name"] for p in gap.get("people") or ()}
    names = {i["id"]: i["name"] for i in gap.get("institutions") or ()}
    wanted = {entry.get("institution_id") for entry in evidence.get("carried_by") or ()}
    wanted |= set(evidence.get("cut_off_institutions") or ())
    missing = {i for i in wanted if i is not None and i not in names}
    if missing:
        names.update(institution_names(session, institution_ids=missing))
    lines: list[tuple[str, str]] = []
    for key, value in evidence.items():
        if key == "interactions":
            lines.append(("Échanges sur la période", number_fr(value)))
        elif key == "informal_interactions":
            lines.append(("Dont échanges informels", number_fr(value)))
        elif key == "last_contact":
            lines.append(("Dernier échange", date_fr(value) if value else "aucun sur la période"))
        elif key == "days_since_last_contact":
            lines.append(("Jours depuis le dernier échange", number_fr(value)))
        elif key == "expected":
            lines.append(("Pourquoi cette liaison est attendue", EXPECTED.get(value, str(value))))
        elif key == "dormancy_days":
            lines.append(("Seuil de mise en sommeil", f"{number_fr(value)} jours"))
        elif key == "carried_by":
            carriers = [f"{people.get(entry['person_id'], '#' + str(entry['person_id']))} "
                        f"({names.get(entry['institution_id'], '#' + str(entry['institution_id']))})"
                        for entry in value or ()]
            lines.append(("Liaison portée par", ", ".join(carriers) or "—"))
        elif key == "recent_interactions":
            lines.append(("Échanges récents", number_fr(value)))
        elif key == "previous_interactions":
            lines.append(("Échanges de la période précédente", number_fr(value)))
        elif key in ("recent_period", "previous_period") and isinstance(value, dict):
            label = "Période récente" if key == "recent_period" else "Période précédente"
            lines.append((label, f"du {date_fr(value.get('since'))} au {date_fr(value.get('until'))}"))
        elif key == "ratio":
            lines.append(("Activité récente rapportée à la précédente", percent_fr(value)))
        elif key == "missing":
            lines.append(("Rôles clés non identifiés", ", ".join(KEY_ROLES.get(v, v) for v in value or ()) or "—"))
        elif key == "known_key_roles":
            lines.append(("Rôles clés connus", ", ".join(value or ()) or "aucun"))
        elif key == "key_roles":
            lines.append(("Rôles clés tenus", ", ".join(value or ()) or "—"))
        elif key == "elected_known_in_member":
            lines.append(("Élus connus dans la structure membre", number_fr(value)))
        elif key == "elected_known_in_body":
            lines.append(("Élus connus dans la structure porteuse", number_fr(value)))
        elif key == "cut_off_institutions":
            lines.append(("Structures coupées sans cet intermédiaire",
                          ", ".join(names.get(i, f"#{i}") for i in value or ()) or "—"))
        elif key == "kept_institutions":
            lines.append(("Structures qui restent reliées", number_fr(value)))
        else:
            lines.append((key, str(value)))
    return lines


def _read(request: Request, user, du, au, gravite, type_, q, tri, sens) -> dict[str, Any]:
    errors: dict[str, str] = {}
    period: Period = read_period(user.workspace, du, au, errors)
    if gravite not in SEVERITIES:
        gravite = ""
    if type_ not in GAP_KINDS:
        type_ = ""
    if tri not in SORTS:
        tri = "gravite"
    if sens not in ("asc", "desc"):
        sens = "desc" if tri in DESCENDING_FIRST else "asc"
    return {"errors": errors, "period": period, "gravite": gravite, "type": type_, "q": (q or "")[:200],
            "tri": tri, "sens": sens, "order_text": ORDER_TEXTS[tri][sens == "desc"]}


@router.get("/ecarts", response_class=HTMLResponse)
def gaps_page(
    request: Request, session: SessionDep, user: CurrentUser, du: str | None = None, au: str | None = None,
    gravite: str = "", type: str = "", q: str = "", tri: str = "gravite", sens: str = "",
) -> HTMLResponse:
    form = _read(request, user, du, au, gravite, type, q, tri, sens)
    gaps: list[dict[str, Any]] = []
    summary = None
    if not form["errors"]:
        period = form["period"]
        analysis = full_analysis(session, workspace=user.workspace, since=period.since, until=period.until)
        summary = analysis["summary"]
        gaps = filter_and_sort(analysis["gaps"], severity=form["gravite"], kind=form["type"], q=form["q"],
                               sort=form["tri"], descending=form["sens"] == "desc")
    detail_query = request.url.query
    return templates.TemplateResponse(request, "gaps.html", {
        **form, "gaps": gaps, "summary": summary, "sorts": SORTS, "detail_query": detail_query,
        "evidence": {gap["key"]: evidence_lines(session, gap) for gap in gaps},
    }, status_code=400 if form["errors"] else 200)


@router.get("/ecarts.csv")
def gaps_csv_export(
    request: Request, session: SessionDep, user: CurrentUser, du: str | None = None, au: str | None = None,
    gravite: str = "", type: str = "", q: str = "", tri: str = "gravite", sens: str = "",
) -> Response:
    form = _read(request, user, du, au, gravite, type, q, tri, sens)
    if form["errors"]:
        return gaps_page(request, session, user, du, au, gravite, type, q, tri, sens)
    period = form["period"]
    analysis = full_analysis(session, workspace=user.workspace, since=period.since, until=period.until)
    gaps = filter_and_sort(analysis["gaps"], severity=form["gravite"], kind=form["type"], q=form["q"],
                           sort=form["tri"], descending=form["sens"] == "desc")
    plain = [{k: v for k, v in gap.items() if k != "key"} for gap in gaps]
    text = BOM + gaps_csv(plain, delimiter=";")
    filename = f"ecarts-{user.workspace.slug}-{period.first_day}-{period.last_day}.csv"
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/ecarts/{key}", response_class=HTMLResponse)
def gap_page(request: Request, session: SessionDep, user: CurrentUser, key: str, du: str | None = None,
             au: str | None = None) -> HTMLResponse:
    errors: dict[str, str] = {}
    period = read_period(user.workspace, du, au, errors)
    if errors:
        raise PageNotFound("La période demandée n'est pas valide.")
    analysis = full_analysis(session, workspace=user.workspace, since=period.since, until=period.until)
    gap = next((gap for gap in with_keys(analysis["gaps"]) if gap["key"] == key), None)
    if gap is None:
        raise PageNotFound("Cet écart n'apparaît pas sur la période : il a peut-être été résolu, "
                           "ou les données ont changé.")
    institution_ids = [i["id"] for i in gap["institutions"]]
    return templates.TemplateResponse(request, "gap.html", {
        "gap": gap, "period": period, "evidence": evidence_lines(session, gap),
        "journal_institution": institution_ids[-1] if institution_ids else None,
        "back": "/ecarts" + (f"?{request.url.query}" if request.url.query else ""),
    })
