"""The `maillage` command, run as a user runs it: a subprocess on a real SQLite database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

MAILLAGE = [sys.executable, "-m", "app.cli.main"]


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    database = tmp_path_factory.mktemp("cli") / "maillage.db"
    env = {**os.environ, "MAILLAGE_DATABASE_URL": f"sqlite:///{database}", "NO_COLOR": "1"}
    env.pop("MAILLAGE_DEBUG", None)
    return env


def run(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*MAILLAGE, *args], env=env, capture_output=True, text=True, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0]


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
