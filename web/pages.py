"""Page routes of the web UI."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from app.api.deps import SessionDep
from app.models import Interaction, Person, Workspace

WEB_DIR = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=WEB_DIR / "templates")


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, session: SessionDep) -> HTMLResponse:
        workspaces = session.execute(
            select(
                Workspace.slug,
                Workspace.name,
                select(func.count()).where(Person.workspace_id == Workspace.id).scalar_subquery().label("people"),
                select(func.count())
                .where(Interaction.workspace_id == Workspace.id)
                .scalar_subquery()
                .label("interactions"),
            ).order_by(Workspace.slug)
        ).all()
        return templates.TemplateResponse(request, "home.html", {"workspaces": workspaces})
