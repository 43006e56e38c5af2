"""`maillage export`: maps and graph files for a council meeting or another tool."""

from pathlib import Path
from typing import Annotated

import typer

from app.cli.analysis import parse_instant
from app.database import transaction
from app.errors import Invalid

FORMATS = ("map", "gexf", "graphml", "csv")


def register(app: typer.Typer, require_schema) -> None:
    @app.command("export")
    def export(
        format: Annotated[str, typer.Argument(help="map, gexf, graphml or csv.")],
        workspace: Annotated[str, typer.Option(help="Workspace slug.")],
        out: Annotated[Path, typer.Option(help="File to write (replaced atomically).")],
        level: Annotated[str, typer.Option(help="person or institution.")] = "institution",
        since: Annotated[str | None, typer.Option(help="Window start (YYYY-MM-DD or ISO 8601).")] = None,
        until: Annotated[str | None, typer.Option(help="Window end, excluded (YYYY-MM-DD or ISO 8601).")] = None,
        topic: Annotated[list[str] | None, typer.Option(help="Keep interactions with this topic (repeat).")] = None,
        kind: Annotated[list[str] | None, typer.Option(help="Keep this institution kind (repeat).")] = None,
        table: Annotated[str, typer.Option(help="For csv: nodes, edges or gaps.")] = "nodes",
        size_by: Annotated[str, typer.Option(help="For map: the metric that sizes nodes.")] = "betweenness",
        layout: Annotated[str, typer.Option(help="For map: force or hierarchical.")] = "force",
        include_isolated: Annotated[bool, typer.Option(help="Also show nodes with no exchange.")] = False,
    ) -> None:
        """Export a map (one offline HTML file), GEXF, GraphML or a CSV table."""
        from app.services.maps import MapFilters, graph_export, map_html
        from app.services.workspaces import get_workspace
        from graph.export import write_atomic

        if format not in FORMATS:
            raise Invalid(f"unknown export format {format!r}: use one of {', '.join(FORMATS)}")
        if out.is_dir():
            raise Invalid(f"{out} is a directory: give a file name")
        if not out.parent.exists():
            raise Invalid(f"directory {out.parent} does not exist")
        require_schema()
        filters = MapFilters(since=parse_instant(since, "--since"), until=parse_instant(until, "--until"),
                             topics=tuple(topic or ()), kinds=tuple(kind or ()), include_isolated=include_isolated)
        with transaction() as session:
            ws = get_workspace(session, slug=workspace)
            if format == "map":
                content: str | bytes = map_html(session, workspace=ws, level=level, filters=filters,
                                                size_by=size_by, layout=layout)
            else:
                content = graph_export(session, workspace=ws, level=level, filters=filters, format=format,
                                       table=table)
        path = write_atomic(out, content)
        typer.echo(f"Wrote {path} ({path.stat().st_size:,} bytes).")
