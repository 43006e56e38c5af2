"""Imports: upload a spreadsheet (CSV), a calendar (iCalendar) or an RNE file of élus.

The same importers as the API and the ``maillage import`` command (app/services/imports): a dry
run shows what would change; a file with bad rows writes nothing unless asked to skip them.
"""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from app.api.deps import SessionDep
from app.errors import Invalid
from app.services.imports import (
    CSV_TYPES,
    import_csv,
    import_ics,
    import_rne,
    template_text,
)
from app.settings import get_settings
from web.auth import CsrfChecked, EditorUser
from web.templating import templates

router = APIRouter(include_in_schema=False)

CSV_LABELS = {"people": "Acteurs", "affiliations": "Fonctions et mandats", "institutions": "Structures locales",
              "interactions": "Échanges"}
COUNT_LABELS = {"people": "Acteurs", "affiliations": "Fonctions et mandats", "institutions": "Structures",
                "interactions": "Échanges", "participations": "Participations", "topics": "Thématiques"}
KIND_LABELS = {"csv": "Tableur (CSV)", "ics": "Agenda (iCalendar)", "rne": "Répertoire national des élus (RNE)"}
BOM = "\ufeff"


def _page(request: Request, *, result: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
          kind: str | None = None, status: int = 200, csv_type: str | None = None) -> HTMLResponse:
    return templates.TemplateResponse(request, "imports.html", {
        "csv_types": {name: CSV_LABELS.get(name, name) for name in CSV_TYPES}, "result": result,
        "errors": errors or {}, "kind": kind, "kinds": KIND_LABELS, "count_labels": COUNT_LABELS,
        "max_mb": get_settings().max_body_bytes // (1024 * 1024), "csv_type": csv_type,
    }, status_code=status)


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, _user: EditorUser) -> HTMLResponse:
    return _page(request)


@router.get("/imports/modeles/{name}.csv")
def csv_template(name: str, _user: EditorUser) -> Response:
    if name not in CSV_TYPES:
        return Response("Modèle inconnu.", status_code=404, media_type="text/plain; charset=utf-8")
    return Response((BOM + template_text(name)).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="maillage-{name}.csv"'})


def _content(upload: UploadFile | None, errors: dict[str, str], field: str) -> bytes | None:
    if upload is None or not upload.filename:
        errors[field] = "Choisissez un fichier."
        return None
    limit = get_settings().max_body_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        errors[field] = (f"Fichier trop gros (plus de {limit // (1024 * 1024)} Mo) : importez-le avec la commande "
                         "« maillage import ».")
        return None
    if not data:
        errors[field] = "Le fichier est vide."
        return None
    return data


Flag = Annotated[str, Form()]


@router.post("/imports/{kind}", response_class=HTMLResponse)
def run_import(
    kind: str, request: Request, session: SessionDep, user: EditorUser, _csrf: CsrfChecked,
    fichier: Annotated[UploadFile | None, File()] = None, type: Annotated[str, Form()] = "",
    simulation: Flag = "", ignorer_erreurs: Flag = "", creer_participants: Flag = "", prives: Flag = "",
    tout: Flag = "",
) -> HTMLResponse:
    if kind not in KIND_LABELS:
        return _page(request, errors={"form": "Type d'import inconnu."}, status=404)
    errors: dict[str, str] = {}
    csv_type = type if kind == "csv" else None
    if kind == "csv" and csv_type not in CSV_TYPES:
        errors["type"] = "Choisissez ce que contient le fichier."
    data = _content(fichier, errors, f"fichier-{kind}")
    if errors or data is None:
        return _page(request, errors=errors, kind=kind, status=400, csv_type=csv_type)
    actor = user.actor
    dry_run = simulation == "1"
    try:
        with session.begin_nested():
            if kind == "csv":
                report = import_csv(session, workspace=user.workspace, data=data, kind=str(csv_type), actor=actor,
                                    dry_run=dry_run, skip_invalid=ignorer_erreurs == "1")
            elif kind == "ics":
                report = import_ics(session, workspace=user.workspace, data=data, actor=actor, dry_run=dry_run,
                                    create_missing=creer_participants == "1", include_private=prives == "1",
                                    source="ics")
            else:
                report = import_rne(session, workspace=user.workspace, data=data, actor=actor, dry_run=dry_run,
                                    include_all=tout == "1", skip_invalid=ignorer_erreurs == "1")
    except Invalid as error:
        return _page(request, kind=kind, status=400, csv_type=csv_type, result={
            "refused": True, "message": error.message,
            "errors": error.details if isinstance(error.details, list) else [],
        })
    return _page(request, kind=kind, csv_type=csv_type, result={"refused": False, "report": report.as_dict()})
