"""`maillage gaps` and `maillage metrics`: the analysis from the command line."""

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from app.database import transaction
from app.errors import Invalid

SEVERITY_FR = {"high": "élevée", "medium": "moyenne", "low": "faible"}


def parse_instant(text: str | None, option: str) -> datetime | None:
    """A date (YYYY-MM-DD, midnight UTC) or an ISO 8601 instant with an offset."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{option}: {text!r} is not a date (YYYY-MM-DD) or an ISO 8601 instant") from None
    if value.tzinfo is None:
        if len(text) == 10:  # a plain date: midnight UTC
            return value.replace(tzinfo=UTC)
        raise Invalid(f"{option}: {text!r} needs a timezone offset (e.g. +01:00) or a plain date")
    return value


def register(app: typer.Typer, require_schema) -> None:
    @app.command("gaps")
    def gaps(
        workspace: Annotated[str, typer.Option(help="Workspace slug.")],
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
        since: Annotated[str | None, typer.Option(help="Window start (YYYY-MM-DD or ISO 8601).")] = None,
        until: Annotated[str | None, typer.Option(help="Window end, excluded (YYYY-MM-DD or ISO 8601).")] = None,
    ) -> None:
        """Gaps in liaison (écarts de liaison), with evidence and a recommended action."""
        from app.services.analysis import full_analysis, gaps_document
        from app.services.workspaces import get_workspace

        if format not in ("table", "json"):
            raise Invalid(f"unknown format {format!r}: use table or json")
        require_schema()
        with transaction() as session:
            ws = get_workspace(session, slug=workspace)
            document = gaps_document(full_analysis(session, workspace=ws, since=parse_instant(since, "--since"),
                                                   until=parse_instant(until, "--until")))
        if format == "json":
            typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
            return
        _print_gaps_table(document)

    @app.command("metrics")
    def metrics(
        workspace: Annotated[str, typer.Option(help="Workspace slug.")],
        level: Annotated[str, typer.Option(help="person or institution.")] = "person",
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
        top: Annotated[int, typer.Option(help="Rows in the table, by decreasing betweenness.")] = 20,
        since: Annotated[str | None, typer.Option(help="Window start (YYYY-MM-DD or ISO 8601).")] = None,
        until: Annotated[str | None, typer.Option(help="Window end, excluded (YYYY-MM-DD or ISO 8601).")] = None,
    ) -> None:
        """Centrality, brokerage and communities per person or institution."""
        from app.services.analysis import full_analysis, metrics_document
        from app.services.workspaces import get_workspace

        if format not in ("table", "json"):
            raise Invalid(f"unknown format {format!r}: use table or json")
        require_schema()
        with transaction() as session:
            ws = get_workspace(session, slug=workspace)
            document = metrics_document(
                full_analysis(session, workspace=ws, since=parse_instant(since, "--since"),
                              until=parse_instant(until, "--until")),
                level,
            )
        if format == "json":
            typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
            return
        _print_metrics_table(document, top)


def _console():
    from rich.console import Console

    return Console(width=160, highlight=False)


def _print_gaps_table(document: dict) -> None:
    from rich.table import Table

    window = document["window"]
    gaps = document["gaps"]
    table = Table(title=f"Écarts de liaison — {window['since'][:10]} → {window['until'][:10]} ({len(gaps)})")
    table.add_column("Gravité")
    table.add_column("Type")
    table.add_column("Institutions")
    table.add_column("Personnes")
    table.add_column("Action recommandée", overflow="fold")
    for gap in gaps:
        table.add_row(
            SEVERITY_FR.get(gap["severity"], gap["severity"]),
            gap["kind"],
            " ↔ ".join(i["name"] for i in gap["institutions"]),
            ", ".join(p["name"] for p in gap["people"][:3]),
            gap["recommendation"],
        )
    _console().print(table)
    if not gaps:
        typer.echo("No gap in liaison in this window.")


def _print_metrics_table(document: dict, top: int) -> None:
    from rich.table import Table

    nodes = sorted(document["nodes"], key=lambda n: (-(n.get("betweenness") or 0), n["id"]))[:top]
    meta = document["meta"]
    sampled = f", betweenness sampled (k={meta.get('k')})" if meta.get("sampled") else ""
    table = Table(title=f"{document['level']} metrics — {len(document['nodes'])} nodes{sampled}")
    for column in ("id", "label", "degree", "strength", "betweenness", "pagerank", "constraint", "community"):
        table.add_column(column, justify="right" if column not in ("label",) else "left")
    for node in nodes:
        table.add_row(*(_cell(node.get(c)) for c in ("id", "label", "degree", "strength", "betweenness", "pagerank",
                                                     "constraint", "community")))
    _console().print(table)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)
