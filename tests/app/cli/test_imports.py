"""`maillage import rne|ics|csv|template`, run as a user runs them: subprocesses on a real SQLite file."""

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.database import create_db_engine
from app.schema import upgrade
from app.services.people import create_person
from app.services.referential import load_referential
from app.services.territory import create_territory
from tests.app.cli.cli_support import assert_one_line_error, run
from tests.app.services.imports.conftest import CD_FILE, TERRES_DU_LAURAGAIS
from tests.app.services.imports.test_ics import CALENDAR


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    """A migrated database with the referential and a workspace `lauragais` (one EPCI of Haute-Garonne)."""
    database = tmp_path_factory.mktemp("cli-imports") / "maillage.db"
    url = f"sqlite:///{database}"
    upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        load_referential(session)
        workspace = create_territory(session, workspace_slug="lauragais", name="PETR du Pays Lauragais",
                                     epci_sirens=[TERRES_DU_LAURAGAIS]).workspace
        create_person(session, workspace=workspace, full_name="Directrice PETR", email="directrice@petr.example",
                      actor="test")
        session.commit()
    engine.dispose()
    env = {**os.environ, "MAILLAGE_DATABASE_URL": url, "NO_COLOR": "1"}
    env.pop("MAILLAGE_DEBUG", None)
    return env


def test_import_rne_dry_run_then_for_real_then_again(cli_env, tmp_path: Path):
    dry = run(cli_env, "import", "rne", str(CD_FILE), "--workspace", "lauragais", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[:4] == [
        "RNE file of conseillers départementaux (utf-8, comma-separated).",
        "Dry run (nothing written): 185 rows read.",
        "  people: 54 created, 0 updated, 0 unchanged",
        "  affiliations: 54 created, 0 updated, 0 unchanged",
    ]
    assert "131 skipped: outside the workspace's territory" in dry.stdout
    assert dry.stderr == ""  # no progress bar when standard error is not a terminal

    first = run(cli_env, "import", "rne", str(CD_FILE), "--workspace", "lauragais")
    assert first.returncode == 0 and "people: 54 created" in first.stdout and "Imported." in first.stdout
    second = run(cli_env, "import", "rne", str(CD_FILE), "--workspace", "lauragais")
    assert second.returncode == 0
    assert "people: 0 created, 0 updated, 54 unchanged" in second.stdout and "Nothing changed." in second.stdout

    # A newer "release" without the président: his mandate ends.
    lines = CD_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    newer = tmp_path / "cd-newer.csv"
    newer.write_text("".join(line for line in lines if "VINCINI" not in line), encoding="utf-8")
    third = run(cli_env, "import", "rne", str(newer), "--workspace", "lauragais")
    assert third.returncode == 0, third.stderr
    assert "  affiliations: 0 created, 0 updated, 53 unchanged, 1 ended" in third.stdout.splitlines()


def test_import_csv_lists_bad_rows_then_one_error_line(cli_env, tmp_path: Path):
    bad = tmp_path / "people.csv"
    bad.write_text("full_name;email\nCamille Exemple;camille@cc.example\n;x@y.example\nJean;pas-un-email\n",
                   encoding="utf-8")
    result = run(cli_env, "import", "csv", str(bad), "--workspace", "lauragais", "--type", "people")
    assert_one_line_error(result, "2 of 3 rows are invalid; nothing was written")
    assert result.stdout.splitlines() == [
        "Invalid rows:",
        "  line 3: full_name: full_name is required",
        "  line 4: email: invalid email address 'pas-un-email'",
    ]
    skipped = run(cli_env, "import", "csv", str(bad), "--workspace", "lauragais", "--type", "people",
                  "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert "people: 1 created" in skipped.stdout and "line 4: email: invalid email address" in skipped.stdout


def test_import_template_then_csv(cli_env, tmp_path: Path):
    template = run(cli_env, "import", "template", "people")
    assert template.returncode == 0
    assert template.stdout.splitlines()[0] == "full_name;email;ref;is_public_figure;notes"
    path = tmp_path / "people.csv"
    path.write_text(template.stdout, encoding="utf-8")
    result = run(cli_env, "import", "csv", str(path), "--workspace", "lauragais", "--type", "people")
    assert result.returncode == 0, result.stderr
    assert "CSV of people (utf-8, semicolon-separated)." in result.stdout


def test_import_ics(cli_env, tmp_path: Path):
    path = tmp_path / "agenda.ics"
    path.write_bytes(CALENDAR)
    result = run(cli_env, "import", "ics", str(path), "--workspace", "lauragais", "--since", "2026-01-01",
                 "--until", "2026-03-01")
    assert result.returncode == 0, result.stderr
    assert "interactions: 9 created, 0 updated, 0 unchanged" in result.stdout
    assert "dgs@cc.example (6 events)" in result.stdout
    again = run(cli_env, "import", "ics", str(path), "--workspace", "lauragais", "--since", "2026-01-01",
                "--until", "2026-03-01")
    assert "interactions: 0 created, 0 updated, 9 unchanged" in again.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["import", "rne", "/nonexistent.csv", "--workspace", "lauragais"], "no file '/nonexistent.csv'"),
        (["import", "rne", str(CD_FILE), "--workspace", "nowhere"], "no workspace 'nowhere'"),
        (["import", "csv", str(CD_FILE), "--workspace", "lauragais", "--type", "elus"], "unknown --type 'elus'"),
        (["import", "csv", str(CD_FILE), "--workspace", "lauragais", "--type", "people"], "unknown columns"),
        (["import", "csv", str(CD_FILE), "--workspace", "lauragais"], "Missing option '--type'"),
        (["import", "ics", str(CD_FILE), "--workspace", "lauragais"], "not a readable iCalendar file"),
        (["import", "ics", str(CD_FILE), "--workspace", "lauragais", "--since", "hier"], "not a date"),
        (["import", "template", "elus"], "no template 'elus'"),
    ],
)
def test_bad_input_gives_one_clear_line(cli_env, args, fragment):
    assert_one_line_error(run(cli_env, *args), fragment)
