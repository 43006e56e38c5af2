"""The `maillage` command, run as a user runs it: a subprocess on a real SQLite database."""

import os
from pathlib import Path

import pytest

from tests.app.cli.cli_support import assert_one_line_error, run


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    database = tmp_path_factory.mktemp("cli") / "maillage.db"
    env = {**os.environ, "MAILLAGE_DATABASE_URL": f"sqlite:///{database}", "NO_COLOR": "1"}
    env.pop("MAILLAGE_DEBUG", None)
    return env


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory) -> dict[str, str]:
    """A database with the referential and the demo workspace, built through the CLI."""
    database = tmp_path_factory.mktemp("cli-demo") / "maillage.db"
    env = {**os.environ, "MAILLAGE_DATABASE_URL": f"sqlite:///{database}", "NO_COLOR": "1"}
    for args in (["db", "upgrade"], ["referential", "load", "--quiet"], ["demo", "--today", "2026-11-25"]):
        result = run(env, *args)
        assert result.returncode == 0, result.stderr
    return env


def test_commands_refuse_an_uninitialised_database(cli_env):
    assert_one_line_error(run(cli_env, "workspace", "create", "x"), "maillage db upgrade")


def test_set_up_a_territory_from_scratch(cli_env):
    assert run(cli_env, "db", "upgrade").returncode == 0
    first = run(cli_env, "referential", "load")
    assert first.returncode == 0, first.stderr
    assert "commune: 34875 created" in first.stdout
    second = run(cli_env, "referential", "load")
    assert second.returncode == 0 and "Nothing changed." in second.stdout
    assert "commune: 0 created, 0 updated, 34875 unchanged" in second.stdout

    created = run(cli_env, "territory", "create", "--workspace", "lauragais", "--name", "PETR du Pays Lauragais",
                  "--siren", "200050938", "--epci", "200035855", "--epci", "200071298",
                  "--epci", "243100567", "--epci", "200035707")
    assert created.returncode == 0, created.stderr
    assert "4 member EPCI" in created.stdout

    token = run(cli_env, "token", "create", "--workspace", "lauragais", "--name", "crm", "--scope", "ingest")
    assert token.returncode == 0
    assert token.stdout.strip().splitlines()[-1].startswith("mlg_")
    listed = run(cli_env, "token", "list", "--workspace", "lauragais")
    assert "crm\tingest" in listed.stdout and token.stdout.strip().splitlines()[-1] not in listed.stdout

    user = run(cli_env, "user", "create", "--workspace", "lauragais", "--email", "Directrice@Petr.example",
               "--role", "admin")
    assert user.returncode == 0 and "Password (shown once):" in user.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["territory", "create", "--workspace", "w", "--name", "X", "--epci", "200035856"], "check digit"),
        (["territory", "create", "--workspace", "w", "--name", "X", "--epci", "200050946"], "not in the referential"),
        (["territory", "create", "--workspace", "w", "--name", "X"], "Missing option '--epci'"),
        (["territory", "create", "--workspace", "w", "--name", "X", "--epci", "200035855", "--kind", "region"],
         "unknown territory kind"),
        (["workspace", "create", "Bad Slug"], "invalid workspace slug"),
        (["token", "create", "--workspace", "nowhere", "--name", "n", "--scope", "read"], "no workspace 'nowhere'"),
        (["token", "create", "--workspace", "lauragais", "--name", "n", "--scope", "root"], "unknown scope"),
        (["token", "revoke", "999", "--workspace", "lauragais"], "no token 999"),
        (["user", "create", "--workspace", "lauragais", "--email", "not-an-email", "--role", "viewer"],
         "invalid email"),
        (["user", "create", "--workspace", "lauragais", "--email", "a@b.fr", "--role", "boss"], "unknown role"),
        (["user", "create", "--workspace", "lauragais", "--email", "a@b.fr", "--role", "viewer", "--password", "short"],
         "at least 10 characters"),
        (["demo", "--today", "2026-13-01"], "not a date"),
        (["backup", "/nonexistent/dir/backup.db"], "does not exist"),
        (["no-such-command"], "No such command"),
        (["token", "create", "--bogus"], "No such option"),
    ],
)
def test_bad_input_gives_one_clear_line(cli_env, args, fragment):
    assert_one_line_error(run(cli_env, *args), fragment)


def test_bad_input_writes_nothing(cli_env):
    before = run(cli_env, "workspace", "list").stdout
    run(cli_env, "territory", "create", "--workspace", "new-one", "--name", "X", "--epci", "200035855",
        "--epci", "200035856")
    assert run(cli_env, "workspace", "list").stdout == before


def test_demo_and_backup(cli_env, tmp_path: Path):
    demo = run(cli_env, "demo", "--today", "2026-11-25")
    assert demo.returncode == 0, demo.stderr
    assert_one_line_error(run(cli_env, "demo"), "already exists")
    backup = run(cli_env, "backup", str(tmp_path / "copy.db"))
    assert backup.returncode == 0, backup.stderr
    copy_env = {**cli_env, "MAILLAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'copy.db'}"}
    assert "demo\t" in run(copy_env, "workspace", "list").stdout


def test_gaps_json_is_the_api_document(demo_env):
    import json

    result = run(demo_env, "gaps", "--workspace", "demo", "--format", "json", "--until", "2026-11-26")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) >= {"window", "gaps", "summary"}
    assert document["window"]["until"] == "2026-11-26T00:00:00+00:00"
    kinds = {gap["kind"] for gap in document["gaps"]}
    assert {"dormant_liaison", "single_thread", "formal_only", "unidentified_key_role"} <= kinds
    table = run(demo_env, "gaps", "--workspace", "demo", "--until", "2026-11-26")
    assert table.returncode == 0 and "dormant_liaison" in table.stdout
    metrics = run(demo_env, "metrics", "--workspace", "demo", "--level", "institution", "--until", "2026-11-26")
    assert metrics.returncode == 0 and "PETR du Pays Lauragais" in metrics.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["gaps", "--workspace", "nowhere"], "no workspace 'nowhere'"),
        (["gaps", "--workspace", "demo", "--format", "xml"], "unknown format"),
        (["gaps", "--workspace", "demo", "--since", "2026-13-01"], "is not a date"),
        (["gaps", "--workspace", "demo", "--since", "2026-12-01", "--until", "2026-01-01"], "since must be before"),
        (["metrics", "--workspace", "demo", "--level", "galaxy"], "unknown level"),
    ],
)
def test_analysis_commands_refuse_bad_input(demo_env, args, fragment):
    assert_one_line_error(run(demo_env, *args), fragment)


def test_export_map_and_graph_files(demo_env, tmp_path):
    out = tmp_path / "carte.html"
    result = run(demo_env, "export", "map", "--workspace", "demo", "--out", str(out), "--until", "2026-11-26")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") or html.lower().startswith("<!doctype html>")
    assert "<script src=" not in html
    for fmt in ("gexf", "graphml"):
        target = tmp_path / f"graph.{fmt}"
        assert run(demo_env, "export", fmt, "--workspace", "demo", "--out", str(target)).returncode == 0
        assert target.stat().st_size > 1000
    gaps = tmp_path / "gaps.csv"
    assert run(demo_env, "export", "csv", "--workspace", "demo", "--table", "gaps", "--out", str(gaps)).returncode == 0
    assert gaps.read_text(encoding="utf-8").startswith("kind,severity")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["export", "pdf", "--workspace", "demo", "--out", "x.pdf"], "unknown export format"),
        (["export", "map", "--workspace", "demo", "--out", "/nonexistent/dir/x.html"], "does not exist"),
        (["export", "map", "--workspace", "demo", "--out", "x.html", "--kind", "planet"], "unknown institution kind"),
        (["export", "map", "--workspace", "demo", "--out", "x.html", "--level", "galaxy"], "unknown level"),
        (["export", "csv", "--workspace", "demo", "--out", "x.csv", "--table", "chairs"], "unknown table"),
        (["export", "map", "--workspace", "nowhere", "--out", "x.html"], "no workspace 'nowhere'"),
    ],
)
def test_export_refuses_bad_input(demo_env, args, fragment, tmp_path):
    args = [str(tmp_path / a) if a in ("x.pdf", "x.html", "x.csv") else a for a in args]
    result = run(demo_env, *args)
    assert_one_line_error(result, fragment)
    assert not list(tmp_path.iterdir())  # nothing half-written
