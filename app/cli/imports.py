"""`maillage import rne|ics|csv|template`: imports from the files people already have."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from app.database import transaction
from app.errors import Invalid

# Bad rows printed before the one-line error (the API returns up to a thousand).
MAX_PRINTED = 50

REASONS = {
    "outside_territory": "outside the workspace's territory",
    "unknown_institution": "matching no institution of the referential",
    "duplicate": "repeating an earlier row",
    "cancelled": "cancelled",
    "private": "private or confidential (--include-private to take them)",
    "no_start": "without a start",
    "no_known_participant": "with nobody known in them (--create-missing to add them)",
    "invalid": "invalid",
    "invalid_email": "attendees without a valid email",
    "in_referential": "already in the national referential",
}


def _read(file: Path) -> bytes:
    if not file.is_file():
        raise Invalid(f"no file {str(file)!r}")
    return file.read_bytes()


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on standard error, only when it is a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("Import", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"Import: {step}", completed=done, total=total)

        yield update


def _print_errors(error: Invalid) -> None:
    """The bad rows of a refused file, on standard output, before main() prints the error line."""
    details = error.details if isinstance(error.details, list) else []
    if not details:
        return
    typer.echo("Invalid rows:")
    for detail in details[:MAX_PRINTED]:
        where = f"line {detail['line']}" if detail.get("line") is not None else f"item {detail.get('index', '?')}"
        field = f" {detail['field']}:" if detail.get("field") else ""
        typer.echo(f"  {where}:{field} {detail['message']}")
    if len(details) > MAX_PRINTED:
        typer.echo(f"  … and {len(details) - MAX_PRINTED} more")


def print_report(report) -> None:
    document = report.as_dict()
    prefix = "Dry run (nothing written): " if report.dry_run else ""
    typer.echo(f"{prefix}{document['rows']} rows read.")
    for name, counts in document["counts"].items():
        extra = "".join(f", {counts[what]} {what}" for what in ("ended", "deleted") if counts[what])
        typer.echo(f"  {name}: {counts['created']} created, {counts['updated']} updated, "
                   f"{counts['unchanged']} unchanged{extra}")
    for reason, count in document["skipped_by_reason"].items():
        typer.echo(f"  {count} skipped: {REASONS.get(reason, reason)}")
    listed = [s for s in document["skipped"] if s["reason"] != "outside_territory"]
    for skipped in listed[:MAX_PRINTED]:
        where = f"line {skipped['line']}: " if skipped["line"] is not None else ""
        typer.echo(f"    {where}{skipped['message']}")
    if len(listed) > MAX_PRINTED:
        typer.echo(f"    … and {len(listed) - MAX_PRINTED} more")
    if document["error_count"]:
        typer.echo(f"  {document['error_count']} invalid rows left out (--skip-invalid):")
        for error in document["errors"][:MAX_PRINTED]:
            typer.echo(f"    line {error['line']}: {error['field']}: {error['message']}")
    unknown = document["info"].get("unknown_attendees") or []
    if unknown:
        typer.echo(f"  {document['info']['unknown_attendee_count']} unknown attendees "
                   "(not in the workspace; --create-missing adds them):")
        for entry in unknown[:MAX_PRINTED]:
            typer.echo(f"    {entry['email']} ({entry['events']} events)")
    if document["info"].get("mandates_left_open"):
        typer.echo(f"  {document['info']['mandates_left_open']}")
    if not report.dry_run:
        typer.echo("Nothing changed." if not report.changed else "Imported.")


def register(app: typer.Typer, require_schema: Callable[[], None]) -> None:
    import_app = typer.Typer(help="Import élus (RNE), calendars (iCalendar) and spreadsheets (CSV).",
                             no_args_is_help=True)
    app.add_typer(import_app, name="import")

    @import_app.command("rne")
    def import_rne_command(
        file: Annotated[Path, typer.Argument(help="An RNE file (maires, conseillers municipaux, communautaires, "
                                                  "départementaux or régionaux), as published.")],
        workspace: Annotated[str, typer.Option(help="Workspace slug.")],
        all_rows: Annotated[bool, typer.Option("--all", help="Import every row, not only the territory's.")] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
        skip_invalid: Annotated[bool, typer.Option("--skip-invalid",
                                                   help="Import the valid rows of a file with bad rows.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    ) -> None:
        """Élus and their mandates from the Répertoire national des élus (no birth date is stored)."""
        from app.services.imports import import_rne
        from app.services.workspaces import get_workspace

        data = _read(file)
        require_schema()
        try:
            with _progress(quiet) as progress, transaction() as session:
                report = import_rne(session, workspace=get_workspace(session, slug=workspace), data=data,
                                    actor="cli", include_all=all_rows, dry_run=dry_run, skip_invalid=skip_invalid,
                                    progress=progress)
        except Invalid as error:
            _print_errors(error)
            raise
        info = report.info
        typer.echo(f"RNE file of {info['label']} ({info['encoding']}, {info['separator']}-separated).")
        print_report(report)

    @import_app.command("ics")
    def import_ics_command(
        file: Annotated[Path, typer.Argument(help="An iCalendar (.ics) file.")],
        workspace: Annotated[str, typer.Option(help="Workspace slug.")],
        create_missing: Annotated[bool, typer.Option("--create-missing",
                                                     help="Create attendees no one knows yet.")] = False,
        include_private: Annotated[bool, typer.Option("--include-private",
                                                      help="Take private and confidential events too.")] = False,
        since: Annotated[str | None, typer.Option(help="Window start (YYYY-MM-DD or ISO 8601); "
                                                       "default: 365 days ago.")] = None,
        until: Annotated[str | None, typer.Option(help="Window end, excluded; default: in 90 days.")] = None,
        source: Annotated[str, typer.Option(help="Source name of the interactions (their idempotency key "
                                                 "is source + UID).")] = "ics",
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    ) -> None:
        """Calendar events as interactions: recurrences expanded, cancelled and private events skipped."""
        from app.cli.analysis import parse_instant
        from app.services.imports import import_ics
        from app.services.workspaces import get_workspace

        start, end = parse_instant(since, "--since"), parse_instant(until, "--until")
        data = _read(file)
        require_schema()
        try:
            with _progress(quiet) as progress, transaction() as session:
                report = import_ics(session, workspace=get_workspace(session, slug=workspace), data=data,
                                    actor="cli", since=start, until=end, create_missing=create_missing,
                                    include_private=include_private, source=source, dry_run=dry_run,
                                    progress=progress)
        except Invalid as error:
            _print_errors(error)
            raise
        typer.echo(f"Calendar: {report.info['events_in_file']} events, occurrences from "
                   f"{report.info['since'][:10]} to {report.info['until'][:10]}.")
        print_report(report)

    @import_app.command("csv")
    def import_csv_command(
        file: Annotated[Path, typer.Argument(help="A CSV file in the template's columns (see docs/imports.md).")],
        workspace: Annotated[str, typer.Option(help="Workspace slug.")],
        type_: Annotated[str, typer.Option("--type", help="people, affiliations, institutions or interactions.")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
        skip_invalid: Annotated[bool, typer.Option("--skip-invalid",
                                                   help="Import the valid rows of a file with bad rows.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    ) -> None:
        """People, affiliations, institutions or interactions from a spreadsheet; all or nothing."""
        from app.services.imports import CSV_TYPES, import_csv
        from app.services.workspaces import get_workspace

        if type_ not in CSV_TYPES:
            raise Invalid(f"unknown --type {type_!r}: use one of {', '.join(CSV_TYPES)}")
        data = _read(file)
        require_schema()
        try:
            with _progress(quiet) as progress, transaction() as session:
                report = import_csv(session, workspace=get_workspace(session, slug=workspace), data=data,
                                    kind=type_, actor="cli", dry_run=dry_run, skip_invalid=skip_invalid,
                                    progress=progress)
        except Invalid as error:
            _print_errors(error)
            raise
        typer.echo(f"CSV of {type_} ({report.info['encoding']}, {report.info['separator']}-separated).")
        print_report(report)

    @import_app.command("template")
    def import_template_command(
        name: Annotated[str, typer.Argument(help="people, affiliations, institutions or interactions.")],
    ) -> None:
        """Print a CSV template (header and example rows) to standard output."""
        from app.services.imports import template_text

        typer.echo(template_text(name), nl=False)
