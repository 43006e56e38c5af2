"""The ``maillage`` command line.

Each command owns its transaction (``transaction()``): services below never commit. Errors
print one line on standard error and exit non-zero; no traceback reaches the user.
"""

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import click
import typer
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from app import __version__
from app.cli import analysis as analysis_commands
from app.cli import exports as export_commands
from app.cli import imports as imports_commands
from app.database import get_engine, transaction
from app.errors import Conflict, DomainError, Invalid, NotFound
from app.schema import current_revision, head_revision, upgrade
from app.settings import get_settings


def _click_exception_classes(name: str) -> tuple[type[BaseException], ...]:
    """Click's exception ``name`` and, where Typer vendors its own Click, that copy's too."""
    classes: list[type[BaseException]] = [getattr(click.exceptions, name)]
    try:
        from typer._click import exceptions as vendored
    except ImportError:  # pragma: no cover - older Typer uses Click itself
        vendored = None
    if vendored is not None and hasattr(vendored, name):
        classes.append(getattr(vendored, name))
    return tuple(classes)


USAGE_ERRORS = _click_exception_classes("UsageError")
ABORTS = _click_exception_classes("Abort")


app = typer.Typer(
    name="maillage",
    help="Maillage: who talks to whom in French local public action.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
referential_app = typer.Typer(help="The national referential (régions, départements, EPCI, communes).",
                              no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces (one territory's map each).", no_args_is_help=True)
territory_app = typer.Typer(help="A workspace's territorial body and its member EPCIs.", no_args_is_help=True)
user_app = typer.Typer(help="Web users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(referential_app, name="referential")
app.add_typer(workspace_app, name="workspace")
app.add_typer(territory_app, name="territory")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

EXIT_CODES: dict[type[DomainError], int] = {Invalid: 2, NotFound: 3, Conflict: 4}


class CliError(Exception):
    """An error the CLI reports as one line."""


def require_schema() -> None:
    """Refuse to run on a database that is missing or behind the code's migrations."""
    settings = get_settings()
    current = current_revision(get_engine())
    head = head_revision(settings.database_url)
    if current != head:
        state = "not initialised" if current is None else f"at revision {current}, code expects {head}"
        raise CliError(f"the database is {state}: run `maillage db upgrade`")


def out(message: str = "") -> None:
    typer.echo(message)


# -- db --------------------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest revision."""
    url = get_settings().database_url
    upgrade(url)
    out(f"Database at revision {head_revision(url)}.")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database."""
    out(current_revision(get_engine()) or "none")


# -- referential -----------------------------------------------------------------------------------
@referential_app.command("load")
def referential_load(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Load or update the national referential shipped with Maillage (idempotent)."""
    from app.services.referential import load_referential

    require_schema()
    report = _load_referential_with_progress(load_referential, quiet=quiet)
    _print_referential_report(report)


def _load_referential_with_progress(load: Callable, *, quiet: bool):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with transaction() as session:
        if quiet or not sys.stderr.isatty():
            return load(session)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                      TimeElapsedColumn(), transient=True, console=_stderr_console()) as bar:
            task = bar.add_task("Referential", total=1)

            def progress(step: str, done: int, total: int) -> None:
                bar.update(task, description=f"Referential: {step}", completed=done, total=total)

            return load(session, progress=progress)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _print_referential_report(report) -> None:
    source = report.source
    out(f"Referential {source.get('package', '?')} {source.get('version', '?')}:")
    kinds = sorted(set(report.created) | set(report.updated) | set(report.unchanged))
    for kind in kinds:
        out(f"  {kind}: {report.created.get(kind, 0)} created, {report.updated.get(kind, 0)} updated, "
            f"{report.unchanged.get(kind, 0)} unchanged")
    out(f"  memberships: {report.memberships_created} created, {report.memberships_removed} removed")
    out("Nothing changed." if not report.changed else "Referential loaded.")


# -- workspaces and territories -----------------------------------------------------------------------
@workspace_app.command("create")
def workspace_create(
    slug: Annotated[str, typer.Argument(help="Short identifier: lowercase letters, digits, dashes.")],
    name: Annotated[str | None, typer.Option(help="Display name (defaults to the slug).")] = None,
) -> None:
    """Create an empty workspace."""
    from app.services.workspaces import create_workspace

    require_schema()
    with transaction() as session:
        workspace = create_workspace(session, slug=slug, name=name)
        out(f"Workspace {workspace.slug!r} created ({workspace.name}).")


@workspace_app.command("list")
def workspace_list() -> None:
    """List workspaces."""
    from app.models import Workspace

    require_schema()
    with transaction(read_only=True) as session:
        for workspace in session.scalars(select(Workspace).order_by(Workspace.slug)):
            out(f"{workspace.slug}\t{workspace.name}")


@territory_app.command("create")
def territory_create(
    workspace: Annotated[str, typer.Option(help="Workspace slug (created when missing).")],
    name: Annotated[str, typer.Option(help="Name of the body, e.g. 'PETR du Pays Lauragais'.")],
    epci: Annotated[list[str], typer.Option(help="SIREN of a member EPCI (repeat the option).")],
    kind: Annotated[str, typer.Option(help="petr, pays, pnr or syndicat.")] = "petr",
    siren: Annotated[str | None, typer.Option(help="SIREN of the body itself.")] = None,
) -> None:
    """Create a workspace's territorial body with its member EPCIs from the referential."""
    from app.services.territory import create_territory

    require_schema()
    with transaction() as session:
        result = create_territory(session, workspace_slug=workspace, name=name, epci_sirens=epci, kind=kind,
                                  siren=siren)
        if result.workspace_created:
            out(f"Workspace {result.workspace.slug!r} created.")
        out(f"{result.body.name}: {len(result.members)} member EPCI ({result.memberships_created} new).")
        for member in result.members:
            out(f"  {member.siren}  {member.name}")


# -- demo and first run ----------------------------------------------------------------------------
@app.command("demo")
def demo(
    reset: Annotated[bool, typer.Option(help="Delete and recreate the demo workspace.")] = False,
    today: Annotated[str | None, typer.Option(help="End of the generated period (YYYY-MM-DD).")] = None,
) -> None:
    """Create the demo workspace `demo` (PETR du Pays Lauragais, fictitious people)."""
    from app.services.demo import create_demo

    require_schema()
    end = _parse_date(today, "--today") if today else None
    with transaction() as session:
        result = create_demo(session, today=end, reset=reset)
        out(f"Workspace 'demo' created: {result.people} people, {result.interactions} interactions.")


@app.command("setup")
def setup() -> None:
    """First run: migrate, and on an empty database load the referential, the demo and an admin."""
    from app.models import Workspace
    from app.services.demo import create_demo
    from app.services.referential import load_referential
    from app.services.users import create_user

    upgrade(get_settings().database_url)
    with transaction() as session:
        if session.scalar(select(func.count()).select_from(Workspace)):
            out("Database ready.")
            return
    _load_referential_with_progress(load_referential, quiet=False)
    with transaction() as session:
        result = create_demo(session)
        user, password = create_user(session, workspace=result.workspace, email="admin@demo.invalid", role="admin")
    out(f"Demo workspace loaded: {result.people} people, {result.interactions} interactions.")
    out("Admin login (shown once):")
    out(f"  email:    {user.email}")
    out(f"  password: {password}")


# -- users and tokens ------------------------------------------------------------------------------
@user_app.command("create")
def user_create(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    email: Annotated[str, typer.Option(help="Login email.")],
    role: Annotated[str, typer.Option(help="viewer, editor or admin.")],
    password: Annotated[str | None, typer.Option(help="At least 10 characters; generated when omitted.")] = None,
) -> None:
    """Create a web user."""
    from app.services.users import create_user
    from app.services.workspaces import get_workspace

    require_schema()
    with transaction() as session:
        ws = get_workspace(session, slug=workspace)
        user, secret = create_user(session, workspace=ws, email=email, role=role, password=password)
    out(f"User {user.email} ({user.role}) created in {workspace!r}.")
    if password is None:
        out(f"Password (shown once): {secret}")


@token_app.command("create")
def token_create(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    name: Annotated[str, typer.Option(help="Name of the client, e.g. 'crm'.")],
    scope: Annotated[str, typer.Option(help="read, ingest or admin.")],
) -> None:
    """Create an API token. The token is printed alone on the last line, once."""
    from app.services.tokens import create_token
    from app.services.workspaces import get_workspace

    require_schema()
    with transaction() as session:
        ws = get_workspace(session, slug=workspace)
        token, secret = create_token(session, workspace=ws, name=name, scope=scope)
    out(f"Token {token.name!r} ({token.scope}) created for {workspace!r}; it is shown only once:")
    out(secret)


@token_app.command("list")
def token_list(workspace: Annotated[str, typer.Option(help="Workspace slug.")]) -> None:
    """List a workspace's tokens."""
    from app.services.tokens import list_tokens
    from app.services.workspaces import get_workspace

    require_schema()
    with transaction(read_only=True) as session:
        for token in list_tokens(session, workspace=get_workspace(session, slug=workspace)):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            out(f"{token.id}\t{token.name}\t{token.scope}\t{token.prefix}…\t{state}")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Token id (see `maillage token list`).")],
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
) -> None:
    """Revoke a token: it stops working at once."""
    from app.services.tokens import revoke_token
    from app.services.workspaces import get_workspace

    require_schema()
    with transaction() as session:
        token = revoke_token(session, workspace=get_workspace(session, slug=workspace), token_id=token_id)
    out(f"Token {token.name!r} revoked.")


analysis_commands.register(app, lambda: require_schema())
imports_commands.register(app, lambda: require_schema())
export_commands.register(app, lambda: require_schema())


# -- serving and backups ---------------------------------------------------------------------------
KEEP_ALIVE_SECONDS = 75
@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL deployments).")] = 1,
) -> None:
    """Serve the web UI and the API."""
    import uvicorn

    settings = get_settings()
    require_schema()
    uvicorn.run(
        "app.main:create_app", factory=True, host=host or settings.host, port=port or settings.port,
        workers=workers, log_level=settings.log_level, proxy_headers=True,
        # Uvicorn closes an idle kept-alive connection after 5 s by default: a client (or a reverse
        # proxy, nginx keeps upstream connections 60 s) that reuses it a moment later writes on a
        # closed socket and gets "connection reset by peer" for a request that never arrived.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


@app.command("backup")
def backup(file: Annotated[Path, typer.Argument(help="Where to write the backup.")]) -> None:
    """Write a consistent backup of the database while it is in use."""
    from app.services.backup import backup_database

    size = backup_database(get_settings().database_url, file)
    out(f"Backup written to {file} ({size:,} bytes).")


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `maillage backup`.")],
    force: Annotated[bool, typer.Option("--force", help="Replace a database that holds data.")] = False,
) -> None:
    """Restore a backup into the configured database (stop the server first)."""
    from app.services.backup import restore_database

    settings = get_settings()
    out(restore_database(settings.database_url, file, force=force))
    current = current_revision(get_engine())
    head = head_revision(settings.database_url)
    if current != head:
        out(f"The restored database is at revision {current}: run `maillage db upgrade`.")


@app.command("version")
def version() -> None:
    """Print Maillage's version."""
    out(__version__)


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def main() -> None:
    """Entry point: run the app and turn every error into one line and an exit code."""
    debug = os.environ.get("MAILLAGE_DEBUG") == "1"
    try:
        result = app(standalone_mode=False)
    except USAGE_ERRORS as error:
        message = error.format_message()
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        typer.echo(f"Error: {message}{hint}", err=True)
        sys.exit(2)
    except ABORTS:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except DomainError as error:
        typer.echo(f"Error: {error.message}", err=True)
        sys.exit(EXIT_CODES.get(type(error), 1))
    except CliError as error:
        typer.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except (OperationalError, ProgrammingError) as error:
        if debug:
            raise
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        typer.echo(f"Error: database error: {reason}", err=True)
        sys.exit(1)
    except SQLAlchemyError as error:
        if debug:
            raise
        typer.echo(f"Error: database error: {type(error).__name__}", err=True)
        sys.exit(1)
    except OSError as error:
        if debug:
            raise
        typer.echo(f"Error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)
    except Exception as error:  # the last line of defence: never a traceback
        if debug:
            raise
        typer.echo(f"Error: unexpected {type(error).__name__}: {error} (set MAILLAGE_DEBUG=1 for details)",
                   err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
