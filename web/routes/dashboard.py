"""Tableau de bord: the territory at a glance."""

from collections import Counter
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from app.api.deps import SessionDep
from app.models import Interaction, Person
from app.services.analysis import analysis_window, full_analysis
from app.services.interaction_queries import list_interactions
from web.auth import CurrentUser
from web.templating import MONTHS, templates

router = APIRouter(include_in_schema=False)

SHORT_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def monthly_counts(session, workspace, since, until) -> list[dict]:
    """Interactions per month over the window, oldest first, with a bar height in percent."""
    counts = Counter()
    for (occurred_at,) in session.execute(
        select(Interaction.occurred_at).where(
            Interaction.workspace_id == workspace.id, Interaction.occurred_at >= since, Interaction.occurred_at < until
        )
    ):
        counts[(occurred_at.year, occurred_at.month)] += 1
    months = []
    cursor = since.replace(day=1)
    while cursor < until:
        months.append((cursor.year, cursor.month))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    peak = max(counts.values(), default=0) or 1
    shown = months[-12:]
    return [{"label": f"{MONTHS[m - 1]} {y}", "short": SHORT_MONTHS[m - 1],
             "year": y if i == 0 or m == 1 else None,
             "count": counts[(y, m)], "height": round(100 * counts[(y, m)] / peak)}
            for i, (y, m) in enumerate(shown)]


@router.get("/tableau-de-bord", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    workspace = user.workspace
    since, until = analysis_window(workspace)
    analysis = full_analysis(session, workspace=workspace, since=since, until=until)
    total, informal = session.execute(
        select(func.count(), func.count().filter(Interaction.formal.is_(False))).where(
            Interaction.workspace_id == workspace.id, Interaction.occurred_at >= since, Interaction.occurred_at < until
        )
    ).one()
    people = session.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == workspace.id))
    brokers = sorted(
        (n for n in analysis["person"]["nodes"] if (n.get("betweenness") or 0) > 0),
        key=lambda n: (-n["betweenness"], n["id"]),
    )[:5]
    recent, _ = list_interactions(session, workspace=workspace, limit=8, offset=0)
    names = dict(session.execute(select(Person.id, Person.full_name).where(Person.workspace_id == workspace.id)).all())
    return templates.TemplateResponse(request, "dashboard.html", {
        "window": (since, until - timedelta(days=1)),
        "people": people,
        "interactions": total,
        "informal_share": (informal / total) if total else None,
        "months": monthly_counts(session, workspace, since, until),
        "brokers": brokers,
        "summary": analysis["summary"],
        "top_gaps": analysis["gaps"][:5],
        "recent": [
            {"item": item, "people": [names[p.person_id] for p in item.participants if p.person_id in names]}
            for item in recent
        ],
    })
