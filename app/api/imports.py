"""Imports by upload: RNE files, calendars and spreadsheets; CSV templates and exports."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from app.api.deps import CurrentWorkspace, IngestToken, ReadToken, SessionDep, actor_of
from app.errors import Invalid, TooLarge
from app.services.imports import export_csv, import_csv, import_ics, import_rne, template_text
from app.settings import get_settings

router = APIRouter(prefix="/imports", tags=["imports"])

CsvType = Literal["people", "affiliations", "institutions", "interactions"]
# A UTF-8 byte order mark, so that Excel opens the accents of a downloaded file right.
BOM = "\ufeff"

REPORT_EXAMPLE = {
    "kind": "rne", "dry_run": False, "rows": 185, "changed": True,
    "counts": {"people": {"created": 54, "updated": 0, "unchanged": 0},
               "affiliations": {"created": 54, "updated": 0, "unchanged": 0}},
    "skipped": [{"line": 2, "reason": "outside_territory", "message": "Hautes-Alpes is outside the workspace's "
                 "territory"}],
    "skipped_by_reason": {"outside_territory": 131}, "errors": [], "error_count": 0,
    "info": {"file": "departemental", "label": "conseillers départementaux", "encoding": "utf-8",
             "separator": "comma", "include_all": False},
}
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "What was imported (or, with `dry_run`, what would be).",
          "content": {"application/json": {"example": REPORT_EXAMPLE}}},
    422: {"description": "The file cannot be read, or has bad rows (`errors`: `{line, field, message}`); "
                         "nothing was written."},
}

Upload = Annotated[UploadFile, File(description="The file to import.")]
DryRun = Annotated[bool, Query(description="Compute the report, write nothing.")]
SkipInvalid = Annotated[bool, Query(description="Import the valid rows of a file with bad rows; the report "
                                                "lists the others.")]


def _content(upload: UploadFile) -> bytes:
    limit = get_settings().max_body_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"file over {limit:,} bytes (MAILLAGE_MAX_BODY_BYTES); import it with the `maillage import` "
                       "command")
    if not data:
        raise Invalid("the file is empty", details=[{"field": "file", "message": "empty file"}])
    return data


@router.post("/rne", summary="Import an RNE file (élus and their mandates)", responses=REPORT_RESPONSES)
def upload_rne(
    file: Upload,
    session: SessionDep,
    workspace: CurrentWorkspace,
    token: IngestToken,
    all: Annotated[bool, Query(description="Every row, not only the workspace's territory.")] = False,
    dry_run: DryRun = False,
    skip_invalid: SkipInvalid = False,
) -> dict[str, Any]:
    """A file of the Répertoire national des élus as published (maires, conseillers municipaux,
    communautaires, départementaux or régionaux; any separator, encoding and generation). Élus are
    matched across files by a keyed hash of name and birth date; no birth date is stored."""
    report = import_rne(session, workspace=workspace, data=_content(file), actor=actor_of(token),
                        include_all=all, dry_run=dry_run, skip_invalid=skip_invalid)
    return report.as_dict()


@router.post("/ics", summary="Import a calendar (iCalendar) as interactions", responses=REPORT_RESPONSES)
def upload_ics(
    file: Upload,
    session: SessionDep,
    workspace: CurrentWorkspace,
    token: IngestToken,
    create_missing: Annotated[bool, Query(description="Create attendees no one knows yet.")] = False,
    include_private: Annotated[bool, Query(description="Take private and confidential events too.")] = False,
    since: Annotated[datetime | None, Query(description="Window start (with an offset); default 365 days "
                                                        "ago.")] = None,
    until: Annotated[datetime | None, Query(description="Window end, excluded; default in 90 days.")] = None,
    source: Annotated[str, Query(min_length=1, max_length=100, description="Source name of the "
                                                                           "interactions.")] = "ics",
    dry_run: DryRun = False,
) -> dict[str, Any]:
    """Events in the window become interactions (UID + recurrence id as idempotency key);
    recurrences are expanded, cancelled events skipped, private ones too unless asked."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise Invalid(f"{name} needs a timezone offset (e.g. 2026-01-01T00:00:00+01:00)",
                          details=[{"field": name, "message": "timezone offset required"}])
    report = import_ics(session, workspace=workspace, data=_content(file), actor=actor_of(token), since=since,
                        until=until, create_missing=create_missing, include_private=include_private, source=source,
                        dry_run=dry_run)
    return report.as_dict()


@router.post("/csv", summary="Import a CSV file (people, affiliations, institutions or interactions)",
             responses=REPORT_RESPONSES)
def upload_csv(
    file: Upload,
    session: SessionDep,
    workspace: CurrentWorkspace,
    token: IngestToken,
    type: Annotated[CsvType, Query(description="What the file holds.")],
    dry_run: DryRun = False,
    skip_invalid: SkipInvalid = False,
) -> dict[str, Any]:
    """In the columns of the template (`GET /imports/templates/{type}.csv`). All or nothing unless
    `skip_invalid`; importing the same file twice changes nothing."""
    report = import_csv(session, workspace=workspace, data=_content(file), kind=type, actor=actor_of(token),
                        dry_run=dry_run, skip_invalid=skip_invalid)
    return report.as_dict()


def _csv_response(text: str, filename: str) -> Response:
    return Response(BOM + text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/templates/{name}.csv", summary="Download a CSV template", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def download_template(name: Annotated[CsvType, Path(description="Which template.")], _token: ReadToken) -> Response:
    """The header and example rows of a CSV import (`;`-separated, UTF-8 with BOM for Excel)."""
    return _csv_response(template_text(name), f"maillage-{name}.csv")


@router.get("/export/{name}.csv", summary="Export the workspace in a CSV template's columns",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def download_export(name: Annotated[CsvType, Path(description="What to export.")], session: SessionDep,
                    workspace: CurrentWorkspace, _token: ReadToken) -> Response:
    """The workspace's people, affiliations, local institutions or interactions, ready to import
    into another workspace with `POST /imports/csv`."""
    return _csv_response(export_csv(session, workspace=workspace, kind=name), f"{workspace.slug}-{name}.csv")
